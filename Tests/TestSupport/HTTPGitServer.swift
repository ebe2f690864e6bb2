import Foundation

/// Smart HTTP on 127.0.0.1: `git http-backend` behind a small python3 server that accepts chunked
/// request bodies (libgit2 sends pushes chunked) and, when `credentials` is set, requires them
/// (HTTP Basic, `user:password`). Serves every repository under `root` at `url(_:)`.
public final class HTTPGitServer: @unchecked Sendable {
    public let root: URL
    public let port: UInt16
    private let directory: TemporaryDirectory
    private let server: ServerProcess

    public init(serving root: URL, credentials: String? = nil, environment: GitEnvironment = .standard) throws {
        self.root = root
        directory = try TemporaryDirectory(prefix: "keos-http")
        var variables = environment.variables
        variables["KEOS_HTTP_CREDENTIALS"] = credentials ?? ""
        (server, port) = try PythonServer.start(Self.script, named: "git-http", arguments: [root.path],
                                                environment: variables, in: directory)
    }

    /// `http://127.0.0.1:port/<repository>` (a path relative to `root`), with `userInfo@` when given.
    public func url(_ repository: String, userInfo: String? = nil) -> String {
        "http://\(userInfo.map { $0 + "@" } ?? "")127.0.0.1:\(port)/\(repository)"
    }

    /// The server's request log.
    public var log: String { server.log }

    public func stop() { server.stop() }

    deinit { stop() }

    static let script = #"""
    import base64, os, subprocess, sys
    from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

    root, port_file = sys.argv[1], sys.argv[2]
    credentials = os.environ.get("KEOS_HTTP_CREDENTIALS", "")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            sys.stderr.write("%s %s\n" % (self.command, fmt % args))

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def reply(self, status, headers, body):
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def serve(self):
            body = self.read_body()
            if credentials:
                expected = "Basic " + base64.b64encode(credentials.encode()).decode()
                if self.headers.get("Authorization", "") != expected:
                    sys.stderr.write("401 for %s\n" % self.path)
                    return self.reply(401, [("WWW-Authenticate", 'Basic realm="git"')], b"")
            path, _, query = self.path.partition("?")
            env = dict(os.environ)
            env.update(GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", REQUEST_METHOD=self.command,
                       PATH_INFO=path, QUERY_STRING=query, CONTENT_TYPE=self.headers.get("Content-Type", ""),
                       CONTENT_LENGTH=str(len(body)), REMOTE_USER="tester", REMOTE_ADDR="127.0.0.1",
                       GATEWAY_INTERFACE="CGI/1.1", SERVER_PROTOCOL="HTTP/1.1")
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
            if self.headers.get("Git-Protocol"):
                env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
            output = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
            separator = b"\r\n\r\n" if b"\r\n\r\n" in output else b"\n\n"
            head, _, rest = output.partition(separator)
            status, headers = 200, []
            for line in head.split(b"\n"):
                key, _, value = line.strip(b"\r").partition(b":")
                if not key:
                    continue
                if key.lower() == b"status":
                    status = int(value.split()[0])
                else:
                    headers.append((key.decode(), value.strip().decode()))
            self.reply(status, headers, rest)

        do_GET = serve
        do_POST = serve

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
    """#
}
