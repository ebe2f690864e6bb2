import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks an ssh-agent how many keys it holds, so that a refusal can say "the agent is empty" rather than
/// "the server refused the agent".
enum SSHAgentQuery {
    /// The number of identities the agent at `socket` lists (SSH_AGENTC_REQUEST_IDENTITIES); `nil` when it
    /// cannot be reached or answers something else. Waits at most two seconds.
    static func keyCount(socket path: String) -> Int? {
        #if os(Linux)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let noSignal = Int32(MSG_NOSIGNAL)
        #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        let noSignal: Int32 = 0
        #endif
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { return nil }

        // uint32 length, then the message: SSH_AGENTC_REQUEST_IDENTITIES (11).
        let request: [UInt8] = [0, 0, 0, 1, 11]
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, noSignal) }) == request.count,
              let header = receive(descriptor, count: 4) else { return nil }
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        // SSH_AGENT_IDENTITIES_ANSWER (12), then uint32 count; the keys themselves are not needed.
        guard length >= 5, let answer = receive(descriptor, count: 5), answer[0] == 12 else { return nil }
        return answer[1...].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Exactly `count` bytes, or `nil` on end of file, error or timeout.
    private static func receive(_ descriptor: Int32, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let read = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + received, count - received, 0) }
            guard read > 0 else { return nil }
            received += read
        }
        return bytes
    }
}
