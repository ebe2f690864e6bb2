import Foundation

/// A fake GitHub (REST) or GitLab (v4) pull-request API on 127.0.0.1, for `--propose` tests.
///
/// A small python3 server that keeps pull requests (GitHub) or merge requests (GitLab) and their comments the
/// way the real services do: the same paths, headers, JSON objects, status codes and error bodies
/// (`{message, errors, documentation_url}` on GitHub; `{message}` or `{error}` on GitLab), authentication by
/// `Authorization: Bearer` or `PRIVATE-TOKEN`, pagination (`Link` or `X-Next-Page`), one open pull request per
/// head and base, body limits (65,536 and 1,000,000 characters), and a head branch that must exist in the git
/// repository it is given. It records every request (method, path, query, headers, JSON body) and can be
/// scripted to answer the next matching requests with another status (`failNext`).
public final class PullRequestAPIServer: @unchecked Sendable {
    public enum Provider: String, Sendable { case github, gitlab }

    /// One request as the server received it.
    public struct Request: @unchecked Sendable {
        public var method: String
        /// The path without the query, as sent (percent-encoding kept).
        public var path: String
        /// Query parameters, decoded.
        public var query: [String: String]
        /// Header names in lower case.
        public var headers: [String: String]
        /// The JSON body, when there was one.
        public var body: [String: Any]?

        /// `body[key]` as a string.
        public func field(_ key: String) -> String? { body?[key] as? String }
    }

    public let provider: Provider
    public let port: UInt16
    public let token: String
    /// `OWNER/NAME` (GitLab: the project's path).
    public let repository: String
    private let directory: TemporaryDirectory
    private let server: ServerProcess

    /// Starts a server for `repository`, accepting `token`; `gitRepository` is the bare repository whose
    /// branches exist (a pull request's head must be one of them).
    public init(_ provider: Provider, repository: String, token: String, gitRepository: URL,
                environment: GitEnvironment = .standard) throws {
        self.provider = provider
        self.repository = repository
        self.token = token
        directory = try TemporaryDirectory(prefix: "keos-pr-api")
        var variables = environment.variables
        variables["KEOS_API_TOKEN"] = token
        (server, port) = try PythonServer.start(Self.script, named: "fake-\(provider.rawValue)-api",
                                                arguments: [provider.rawValue, repository, gitRepository.path, directory.url.path],
                                                environment: variables, in: directory)
    }

    /// The API root to pass as `--api-url`: `http://127.0.0.1:<port>` (GitHub) or `…/api/v4` (GitLab).
    public var apiURL: String { "http://127.0.0.1:\(port)" + (provider == .gitlab ? "/api/v4" : "") }

    /// Every request so far, oldest first.
    public func requests() throws -> [Request] {
        let text = (try? String(contentsOf: directory.url("requests.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestSupportError("bad request record: \(line)")
            }
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           query: object["query"] as? [String: String] ?? [:],
                           headers: object["headers"] as? [String: String] ?? [:],
                           body: object["body"] as? [String: Any])
        }
    }

    /// The pull requests (GitHub) or merge requests (GitLab) the server holds, as the API would show them.
    public func pullRequests() throws -> [[String: Any]] {
        try state()["pulls"] as? [[String: Any]] ?? []
    }

    /// The comments (GitHub issue comments, GitLab notes): `{number, body}`.
    public func comments() throws -> [[String: Any]] {
        try state()["comments"] as? [[String: Any]] ?? []
    }

    /// Answers the next `times` requests whose method is `method` and whose path ends with `pathSuffix` with
    /// `status` and `body` (JSON), instead of handling them — or, with `afterHandling`, after handling them (the
    /// change is made, the answer is lost, as when a proxy fails on the way back).
    public func failNext(_ method: String, pathSuffix: String, status: Int, body: [String: Any], times: Int = 1,
                         afterHandling: Bool = false) throws {
        var rules = (try? JSONSerialization.jsonObject(with: Data(contentsOf: directory.url("script.json")))) as? [[String: Any]] ?? []
        rules.append(["method": method, "suffix": pathSuffix, "status": status, "body": body, "times": times,
                      "after": afterHandling])
        try JSONSerialization.data(withJSONObject: rules).write(to: directory.url("script.json"), options: .atomic)
    }

    /// Opens pull requests from `branches` into `target` directly (no checks, not recorded), as other people
    /// did; `forks` come from a fork of the repository.
    public func seed(_ branches: [String], forks: [String] = [], into target: String) throws {
        let pulls = branches.map { ["branch": $0] as [String: Any] } + forks.map { ["branch": $0, "fork": true] as [String: Any] }
        let body = try JSONSerialization.data(withJSONObject: ["target": target, "pulls": pulls])
        let post = "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.stdin.buffer.read(), method='POST'))"
        let result = try Shell.run("python3", ["-c", post, "http://127.0.0.1:\(port)/__seed"], stdin: body)
        guard result.succeeded else { throw TestSupportError("seeding the fake API failed: \(result)") }
    }

    /// The server's log (one line a request).
    public var log: String { server.log }

    public func stop() { server.stop() }

    deinit { stop() }

    private func state() throws -> [String: Any] {
        guard let data = try? Data(contentsOf: directory.url("state.json")) else { return [:] }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static let script = #"""
    import json, os, subprocess, sys, threading
    from urllib.parse import parse_qsl, unquote
    from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

    provider, repository, git_repo, folder, port_file = sys.argv[1:6]
    token = os.environ["KEOS_API_TOKEN"]
    lock = threading.Lock()
    pulls, comments = [], []
    counter = {"number": 0}
    PROJECT_ID = 42
    DOCS = "https://docs.github.com/rest"

    def save_state():
        tmp = os.path.join(folder, "state.json.tmp")
        with open(tmp, "w") as f:
            json.dump({"pulls": pulls, "comments": comments}, f)
        os.rename(tmp, os.path.join(folder, "state.json"))

    def record(entry):
        with open(os.path.join(folder, "requests.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")

    def scripted(method, path):
        name = os.path.join(folder, "script.json")
        try:
            with open(name) as f:
                rules = json.load(f)
        except (OSError, ValueError):
            return None
        for rule in rules:
            if rule["times"] > 0 and rule["method"] == method and path.endswith(rule["suffix"]):
                rule["times"] -= 1
                with open(name + ".tmp", "w") as f:
                    json.dump(rules, f)
                os.rename(name + ".tmp", name)
                return rule["status"], rule["body"], rule.get("after", False)
        return None

    def branch_exists(branch):
        return subprocess.run(["git", "rev-parse", "--verify", "--quiet", "refs/heads/" + branch], cwd=git_repo,
                              capture_output=True).returncode == 0

    def branch_sha(branch):
        return subprocess.run(["git", "rev-parse", "refs/heads/" + branch], cwd=git_repo,
                              capture_output=True, text=True).stdout.strip()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            sys.stderr.write("%s\n" % (fmt % args))

        def reply(self, status, body, headers=()):
            if getattr(self, "override", None):
                (status, body), headers = self.override, ()
                self.override = None
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path, _, query_text = self.path.partition("?")
            query = dict(parse_qsl(query_text, keep_blank_values=True))
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            with lock:
                if path == "/__seed":
                    # Test control, outside the API: open pull requests without checks, unrecorded.
                    for item in body["pulls"]:
                        if provider == "github":
                            self.new_pull(item["branch"], body["target"], "seeded " + item["branch"], "", item.get("fork", False))
                        else:
                            self.new_mr(item["branch"], body["target"], "seeded " + item["branch"], "", item.get("fork", False))
                    return self.reply(201, {})
                record({"method": self.command, "path": path, "query": query,
                        "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.override = None
                rule = scripted(self.command, path)
                if rule and rule[2]:
                    self.override = (rule[0], rule[1])
                elif rule:
                    return self.reply(rule[0], rule[1])
                if raw and body is None:
                    return self.reply(400, {"message": "Problems parsing JSON", "documentation_url": DOCS}
                                      if provider == "github" else {"error": "body is not valid JSON"})
                if provider == "github":
                    return self.github(path, query, body or {})
                return self.gitlab(path, query, body or {})

        do_GET = do_POST = do_PATCH = do_PUT = handle_any

        def base_url(self):
            return "http://127.0.0.1:%d" % self.server.server_address[1]

        # ---- GitHub REST ----
        def new_pull(self, head_ref, base, title, text, fork=False):
            counter["number"] += 1
            n = counter["number"]
            owner = repository.split("/")[0]
            repo = {"full_name": repository, "name": repository.split("/")[1], "owner": {"login": owner}}
            head_repo = {"full_name": "someone/fork", "name": "fork", "owner": {"login": "someone"}} if fork else repo
            pull = {"url": "%s/repos/%s/pulls/%d" % (self.base_url(), repository, n), "id": 1000 + n,
                    "number": n, "state": "open", "title": title, "body": text,
                    "html_url": "https://github.example.com/%s/pull/%d" % (repository, n),
                    "head": {"label": "%s:%s" % (head_repo["owner"]["login"], head_ref), "ref": head_ref,
                             "sha": branch_sha(head_ref), "repo": head_repo},
                    "base": {"label": "%s:%s" % (owner, base), "ref": base, "sha": branch_sha(base), "repo": repo},
                    "user": {"login": "keos-bot"}, "draft": False, "merged": False}
            pulls.append(pull)
            save_state()
            return pull

        def github(self, path, query, body):
            auth = self.headers.get("Authorization", "")
            if not auth:
                return self.reply(401, {"message": "Requires authentication", "documentation_url": DOCS})
            if auth not in ("Bearer " + token, "token " + token):
                return self.reply(401, {"message": "Bad credentials", "documentation_url": DOCS})
            parts = path.strip("/").split("/")
            if len(parts) < 4 or parts[0] != "repos" or unquote(parts[1]) + "/" + unquote(parts[2]) != repository:
                return self.reply(404, {"message": "Not Found", "documentation_url": DOCS})
            owner = repository.split("/")[0]
            rest = parts[3:]
            if rest == ["pulls"] and self.command == "GET":
                found = [p for p in pulls
                         if query.get("state", "open") in ("all", p["state"])
                         and ("head" not in query or p["head"]["label"] == query["head"])
                         and ("base" not in query or p["base"]["ref"] == query["base"])]
                per_page = int(query.get("per_page", "30"))
                page = int(query.get("page", "1"))
                chunk = found[(page - 1) * per_page: page * per_page]
                headers = []
                if page * per_page < len(found):
                    rest_query = "&".join("%s=%s" % (k, v) for k, v in query.items() if k != "page")
                    headers.append(("Link", '<%s%s?%s&page=%d>; rel="next", <%s%s?%s&page=%d>; rel="last"' % (
                        self.base_url(), path, rest_query, page + 1, self.base_url(), path, rest_query,
                        (len(found) + per_page - 1) // per_page)))
                return self.reply(200, chunk, headers)
            if rest == ["pulls"] and self.command == "POST":
                missing = [k for k in ("head", "base") if not body.get(k)]
                if missing or not body.get("title"):
                    return self.reply(422, {"message": "Invalid request.\n\n\"%s\" wasn't supplied." % (missing or ["title"])[0],
                                            "documentation_url": DOCS})
                head, base = body["head"], body["base"]
                head_ref = head.split(":", 1)[1] if ":" in head else head
                errors = []
                if not branch_exists(head_ref):
                    errors.append({"resource": "PullRequest", "field": "head", "code": "invalid"})
                if not branch_exists(base):
                    errors.append({"resource": "PullRequest", "field": "base", "code": "invalid"})
                if any(p["state"] == "open" and p["head"]["ref"] == head_ref and p["base"]["ref"] == base for p in pulls):
                    errors.append({"resource": "PullRequest", "code": "custom",
                                   "message": "A pull request already exists for %s:%s." % (owner, head_ref)})
                if len(body.get("body") or "") > 65536:
                    errors.append({"resource": "Issue", "code": "custom", "field": "body",
                                   "message": "body is too long (maximum is 65536 characters)"})
                if errors:
                    return self.reply(422, {"message": "Validation Failed", "errors": errors, "documentation_url": DOCS})
                pull = self.new_pull(head_ref, base, body["title"], body.get("body"))
                return self.reply(201, pull, [("Location", pull["url"])])
            if len(rest) == 2 and rest[0] == "pulls" and self.command in ("GET", "PATCH"):
                pull = next((p for p in pulls if str(p["number"]) == rest[1]), None)
                if pull is None:
                    return self.reply(404, {"message": "Not Found", "documentation_url": DOCS})
                if self.command == "PATCH":
                    if len(body.get("body") or "") > 65536:
                        return self.reply(422, {"message": "Validation Failed", "errors": [
                            {"resource": "Issue", "code": "custom", "field": "body",
                             "message": "body is too long (maximum is 65536 characters)"}], "documentation_url": DOCS})
                    if body.get("state") not in (None, "open", "closed"):
                        return self.reply(422, {"message": "Validation Failed", "errors": [
                            {"resource": "PullRequest", "code": "invalid", "field": "state"}], "documentation_url": DOCS})
                    for key in ("title", "body", "state"):
                        if key in body:
                            pull[key] = body[key]
                    save_state()
                return self.reply(200, pull)
            if len(rest) == 3 and rest[0] == "issues" and rest[2] == "comments" and self.command == "POST":
                if not any(str(p["number"]) == rest[1] for p in pulls):
                    return self.reply(404, {"message": "Not Found", "documentation_url": DOCS})
                if not body.get("body"):
                    return self.reply(422, {"message": "Validation Failed", "errors": [
                        {"resource": "IssueComment", "code": "missing_field", "field": "body"}], "documentation_url": DOCS})
                comment = {"id": 5000 + len(comments), "number": int(rest[1]), "body": body["body"],
                           "html_url": "https://github.example.com/%s/pull/%s#issuecomment-%d" % (repository, rest[1], 5000 + len(comments))}
                comments.append(comment)
                save_state()
                return self.reply(201, comment)
            return self.reply(404, {"message": "Not Found", "documentation_url": DOCS})

        # ---- GitLab v4 ----
        def new_mr(self, source, target, title, text, fork=False):
            counter["number"] += 1
            n = counter["number"]
            mr = {"id": 9000 + n, "iid": n, "project_id": PROJECT_ID, "title": title,
                  "description": text, "state": "opened",
                  "web_url": "https://gitlab.example.com/%s/-/merge_requests/%d" % (repository, n),
                  "source_branch": source, "target_branch": target,
                  "source_project_id": PROJECT_ID + 1 if fork else PROJECT_ID,
                  "target_project_id": PROJECT_ID, "sha": branch_sha(source), "merge_status": "checking",
                  "author": {"username": "keos-bot"}}
            pulls.append(mr)
            save_state()
            return mr

        def gitlab(self, path, query, body):
            if self.headers.get("PRIVATE-TOKEN", "") != token:
                return self.reply(401, {"message": "401 Unauthorized"})
            if not path.startswith("/api/v4/projects/"):
                return self.reply(404, {"error": "404 Not Found"})
            parts = path[len("/api/v4/projects/"):].split("/")
            if unquote(parts[0]) not in (repository, str(PROJECT_ID)) or len(parts) < 2 or parts[1] != "merge_requests":
                return self.reply(404, {"message": "404 Project Not Found"})
            rest = parts[2:]
            if rest == [] and self.command == "GET":
                found = [m for m in pulls
                         if query.get("state", "all") in ("all", m["state"])
                         and ("source_branch" not in query or m["source_branch"] == query["source_branch"])
                         and ("target_branch" not in query or m["target_branch"] == query["target_branch"])]
                per_page = int(query.get("per_page", "20"))
                page = int(query.get("page", "1"))
                chunk = found[(page - 1) * per_page: page * per_page]
                more = page * per_page < len(found)
                headers = [("X-Page", str(page)), ("X-Per-Page", str(per_page)), ("X-Total", str(len(found))),
                           ("X-Next-Page", str(page + 1) if more else "")]
                return self.reply(200, chunk, headers)
            if rest == [] and self.command == "POST":
                for key in ("source_branch", "target_branch", "title"):
                    if not body.get(key):
                        return self.reply(400, {"error": "%s is missing" % key})
                source, target = body["source_branch"], body["target_branch"]
                if not branch_exists(source):
                    return self.reply(422, {"message": ["Source branch \"%s\" does not exist" % source]})
                clash = next((m for m in pulls if m["state"] == "opened" and m["source_branch"] == source
                              and m["target_branch"] == target), None)
                if clash:
                    return self.reply(409, {"message": ["Another open merge request already exists for this source branch: !%d" % clash["iid"]]})
                if len(body.get("description") or "") > 1000000:
                    return self.reply(400, {"message": {"description": ["is too long (maximum is 1000000 characters)"]}})
                return self.reply(201, self.new_mr(source, target, body["title"], body.get("description")))
            if len(rest) >= 1:
                mr = next((m for m in pulls if str(m["iid"]) == rest[0]), None)
                if mr is None:
                    return self.reply(404, {"message": "404 Not found"})
                if len(rest) == 1 and self.command == "GET":
                    return self.reply(200, mr)
                if len(rest) == 1 and self.command == "PUT":
                    if len(body.get("description") or "") > 1000000:
                        return self.reply(400, {"message": {"description": ["is too long (maximum is 1000000 characters)"]}})
                    for key in ("title", "description"):
                        if key in body:
                            mr[key] = body[key]
                    event = body.get("state_event")
                    if event == "close":
                        mr["state"] = "closed"
                    elif event == "reopen":
                        mr["state"] = "opened"
                    elif event is not None:
                        return self.reply(400, {"error": "state_event does not have a valid value"})
                    save_state()
                    return self.reply(200, mr)
                if rest[1:] == ["notes"] and self.command == "POST":
                    if not body.get("body"):
                        return self.reply(400, {"error": "body is missing"})
                    note = {"id": 7000 + len(comments), "number": mr["iid"], "body": body["body"],
                            "noteable_type": "MergeRequest", "noteable_iid": mr["iid"]}
                    comments.append(note)
                    save_state()
                    return self.reply(201, note)
            return self.reply(404, {"error": "404 Not Found"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
    """#
}
