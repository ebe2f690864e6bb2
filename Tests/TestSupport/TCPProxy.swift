import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP proxy on 127.0.0.1 in front of a test server (git daemon, git http-backend) that can break chosen
/// connections: cut them, or swallow everything after a number of bytes, in one direction.
///
/// A fault applies to the connections whose first bytes from the client contain `Fault.match` (for git,
/// `git-upload-pack` is a fetch and `git-receive-pack` a push, over `git://` and smart HTTP alike).
/// Every other connection is forwarded untouched.
public final class TCPProxy: @unchecked Sendable {
    /// Which way the bytes go.
    public enum Direction: Sendable { case toServer, toClient }

    /// When the fault strikes in its direction.
    public enum Trigger: Sendable {
        /// Once this many bytes went through (the rest of that read is held back).
        case bytes(Int)
        /// At the first read that contains this text (the whole read is held back).
        case text(String)
    }

    /// What happens when the fault strikes.
    public enum Action: Sendable {
        /// Both sides are closed (a dropped connection).
        case cut
        /// Later bytes in that direction are read and dropped; the connection stays open (a hung network).
        case stall
    }

    public struct Fault: Sendable {
        public var match: String
        public var direction: Direction
        public var trigger: Trigger
        public var action: Action

        /// A fault for the connections whose first client bytes contain `match`.
        public init(match: String, direction: Direction, trigger: Trigger, action: Action) {
            self.match = match
            self.direction = direction
            self.trigger = trigger
            self.action = action
        }

        /// The part of `chunk` that still goes through, when the fault strikes in it after `passed` bytes.
        func strikes(_ chunk: [UInt8], passed: Int) -> [UInt8]? {
            switch trigger {
            case .bytes(let limit):
                return passed + chunk.count >= limit ? Array(chunk.prefix(max(0, limit - passed))) : nil
            case .text(let text):
                return String(decoding: chunk, as: UTF8.self).contains(text) ? [] : nil
            }
        }
    }

    /// The port the proxy listens on.
    public let port: UInt16
    private let upstreamPort: UInt16
    private let listener: Int32
    private let state = Mutex(State())

    private struct State {
        var fault: Fault?
        var triggered = 0
        var connections = 0
        var stopped = false
        var sockets: Set<Int32> = []
    }

    /// Listens on a free port of 127.0.0.1 and forwards every connection to 127.0.0.1:`upstreamPort`.
    public init(forwardingTo upstreamPort: UInt16, fault: Fault? = nil) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Loopback.streamType, 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Loopback.address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestSupportError("cannot listen on 127.0.0.1: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        state.update { $0.fault = fault }
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Replaces the fault for later connections (nil: forward everything).
    public func setFault(_ fault: Fault?) { state.update { $0.fault = fault } }

    /// How many connections the fault has hit so far.
    public var triggered: Int { state.get().triggered }

    /// How many connections were accepted so far.
    public var connections: Int { state.get().connections }

    /// Waits until the fault has hit a connection; false when `timeout` passed first.
    public func waitUntilTriggered(timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if triggered > 0 { return true }
            usleep(10_000)
        }
        return false
    }

    /// `git://127.0.0.1:<port>/<repository>` through the proxy.
    public func gitURL(_ repository: String) -> String { "git://127.0.0.1:\(port)/\(repository)" }

    /// `http://127.0.0.1:<port>/<repository>` through the proxy.
    public func httpURL(_ repository: String) -> String { "http://127.0.0.1:\(port)/\(repository)" }

    /// Stops listening and closes every open connection; safe to call more than once.
    public func stop() {
        let sockets: Set<Int32> = state.update { state in
            guard !state.stopped else { return [] }
            state.stopped = true
            return state.sockets
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    deinit {
        stop()
        close(listener)
    }

    // MARK: Forwarding

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let server = Loopback.connect(port: upstreamPort)
            let admitted = state.update { state -> Bool in
                guard !state.stopped, server >= 0 else { return false }
                state.connections += 1
                state.sockets.formUnion([client, server])
                return true
            }
            guard admitted else {
                close(client)
                if server >= 0 { close(server) }
                continue
            }
            Thread.detachNewThread { [self] in serve(client: client, server: server) }
        }
    }

    /// Forwards one connection both ways, applying the fault when its first client bytes match.
    private func serve(client: Int32, server: Int32) {
        let connection = Connection(client: client, server: server)
        var first = [UInt8](repeating: 0, count: 65_536)
        let count = read(client, &first, first.count)
        guard count > 0 else { return finish(connection) }
        let head = Array(first[..<count])
        let fault = state.get().fault.flatMap { fault in
            String(decoding: head, as: UTF8.self).contains(fault.match) ? fault : nil
        }
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread { [self] in
            pump(from: server, to: client, connection, fault: fault?.direction == .toClient ? fault : nil, initial: [])
            group.leave()
        }
        pump(from: client, to: server, connection, fault: fault?.direction == .toServer ? fault : nil, initial: head)
        group.wait()
        finish(connection)
    }

    /// Copies bytes until either side ends; applies `fault` after its byte count.
    private func pump(from source: Int32, to destination: Int32, _ connection: Connection, fault: Fault?, initial: [UInt8]) {
        var passed = 0
        var swallowing = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var pending = initial
        while true {
            if pending.isEmpty {
                let count = read(source, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                pending = Array(buffer[..<count])
            }
            if swallowing {
                pending = []
                continue
            }
            let chunk = pending
            pending = []
            if let fault, let allowed = fault.strikes(chunk, passed: passed) {
                guard writeAll(destination, allowed) else { break }
                state.update { $0.triggered += 1 }
                switch fault.action {
                case .cut:
                    connection.shutdownBoth()
                    return
                case .stall:
                    swallowing = true
                    continue
                }
            }
            passed += chunk.count
            guard writeAll(destination, chunk) else { break }
        }
        // One side ended: end the whole connection, as a real peer closing would — except a server that
        // finished behind a stall: its client keeps waiting until it gives up.
        if !swallowing || source == connection.client { connection.shutdownBoth() }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private func finish(_ connection: Connection) {
        connection.shutdownBoth()
        state.update { $0.sockets.subtract([connection.client, connection.server]) }
        close(connection.client)
        close(connection.server)
    }

    /// The two sockets of one proxied connection.
    private struct Connection {
        let client: Int32
        let server: Int32

        func shutdownBoth() {
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(server, Int32(SHUT_RDWR))
        }
    }
}
