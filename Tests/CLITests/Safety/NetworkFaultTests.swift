import Foundation
import Testing
import TestSupport

/// Issue 6.6: a remote that drops the connection in the middle of a fetch or a push (a proxy on 127.0.0.1
/// that cuts after some bytes): exit 1 with one clear line, nothing written, and a rerun succeeds.
@Suite("Safety: network faults") struct NetworkFaultTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var transport: ServedSample.Transport
        var fault: TCPProxy.Fault
        /// The step the failure message names.
        var step: String

        var description: String { "\(transport): \(name)" }
    }

    static let cases: [Case] = ServedSample.Transport.allCases.flatMap { transport in [
        Case(name: "dropped as soon as the fetch asks", transport: transport,
             fault: .init(match: "git-upload-pack", direction: .toClient, trigger: .bytes(0), action: .cut), step: "fetch"),
        Case(name: "dropped in the middle of the fetched pack", transport: transport,
             fault: .init(match: "git-upload-pack", direction: .toClient, trigger: .bytes(64 * 1024), action: .cut), step: "fetch"),
        Case(name: "dropped while the push sends its pack", transport: transport,
             fault: .init(match: "git-receive-pack", direction: .toServer, trigger: .bytes(transport == .git ? 400 : 900), action: .cut),
             step: "push"),
    ] }

    @Test("exit 1, one clear line, nothing written; a rerun succeeds", arguments: cases)
    func droppedConnection(_ fault: Case) throws {
        let sample = try ServedSample(fault.transport)
        let world = sample.world
        let originBefore = try world.refs(of: world.origin)
        let cloneRefsBefore = try RefState.read(world.clone)
        let cloneBefore = try world.snapshot()
        sample.proxy.setFault(fault.fault)

        let result = try CLI.binary().run(["--yes", "--staging-status", sample.status.path], cwd: world.clone, home: sample.home.url)

        #expect(sample.proxy.triggered > 0, "\(fault): the fault never struck\n\(result)")
        expectOneLineError(result, code: 1, mentions: [fault.step, "origin", "connection", "run again"])
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        var expectedCloneRefs = cloneRefsBefore
        if fault.step == "push" {
            // The fetch before the push completed: only it moved the remote-tracking refs.
            expectedCloneRefs["refs/remotes/origin/main"] = sample.revision
        }
        expectSameRefs(try RefState.read(world.clone), expectedCloneRefs, "clone")
        expectUnchanged(try world.snapshot(), cloneBefore)
        try expectFsckClean(world.clone, "the clone")
        try expectFsckClean(world.origin, "the remote")

        sample.proxy.setFault(nil)
        let rerun = try sample.promote()
        #expect(rerun.status == 0, "\(rerun)")
        #expect(try sample.isPromotion(sample.originProduction()), "\(rerun)")
        expectUnchanged(try world.snapshot(), cloneBefore)
    }
}
