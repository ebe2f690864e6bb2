import Foundation

/// A Git repository address reduced to what identifies the repository, so that spellings can be compared.
///
/// `ssh://git@git.example.com/org/repo.git`, `git@git.example.com:org/repo`,
/// `https://git.example.com/org/repo/` and `http://user@git.example.com/org/repo.git` are all
/// `git.example.com/org/repo`: scheme, user (and password), port, a `.git` suffix, trailing and duplicate
/// slashes and the case of the host do not count; the case of the path does (servers differ on it).
/// Local paths and `file://` URLs compare as lexically normalised paths.
public struct RepositoryURL: Hashable, Sendable, CustomStringConvertible {
    /// Where the repository lives, normalised.
    public enum Location: Hashable, Sendable {
        case remote(host: String, path: String)
        case local(path: String)
    }

    public let location: Location
    /// The address as written, with any password or HTTP user (often a token) removed; safe to print.
    public let displayForm: String

    public init(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        (location, displayForm) = Self.parse(trimmed)
    }

    /// Whether both name the same repository.
    public func sameRepository(as other: RepositoryURL) -> Bool { location == other.location }

    public var description: String {
        switch location {
        case .remote(let host, let path): return "\(host)/\(path)"
        case .local(let path): return path
        }
    }

    private static func parse(_ text: String) -> (Location, String) {
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            let rest = String(text[schemeEnd.upperBound...])
            if scheme == "file" {
                let path = rest.hasPrefix("/") ? rest : "/" + (rest.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? "")
                return (.local(path: normalisedLocalPath(path)), text)
            }
            return parseAuthority(scheme: scheme, rest: rest)
        }
        if let scp = scpLike(text) { return scp }
        return (.local(path: normalisedLocalPath(text)), text)
    }

    /// `scheme://[user[:password]@]host[:port]/path`.
    private static func parseAuthority(scheme: String, rest: String) -> (Location, String) {
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        var path = String(rest[authorityEnd...])
        var user: String?
        if let at = authority.lastIndex(of: "@") {
            user = String(authority[..<at])
            authority = String(authority[authority.index(after: at)...])
        }
        var host = authority
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close])
        } else if let colon = authority.firstIndex(of: ":") {
            host = String(authority[..<colon])
            let after = authority[authority.index(after: colon)...]
            // `ssh://git@gitlab.com:group/repo.git`: an scp-style path written after a scheme.
            if !after.isEmpty, !after.allSatisfy(\.isNumber) {
                path = "/" + after + path
            }
        }
        let isHTTP = scheme == "http" || scheme == "https"
        let keptUser = user.flatMap { isHTTP ? nil : $0.split(separator: ":", maxSplits: 1).first.map(String.init) }
        let hostAndPath = user.map { rest.dropFirst($0.count + 1) } ?? rest[...]
        let display = "\(scheme)://" + (keptUser.map { "\($0)@" } ?? "") + hostAndPath
        return (.remote(host: host.lowercased(), path: normalisedRemotePath(path)), display)
    }

    /// `[user@]host:path`, which Git reads as SSH when the colon comes before any slash.
    private static func scpLike(_ text: String) -> (Location, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let beforeColon = text[..<colon]
        guard !beforeColon.contains("/"), !beforeColon.isEmpty else { return nil }
        var host = String(beforeColon)
        var display = text
        if let at = host.lastIndex(of: "@") {
            let user = host[..<at].split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            host = String(host[host.index(after: at)...])
            display = (user.isEmpty ? "" : "\(user)@") + host + String(text[colon...])
        }
        guard !host.isEmpty else { return nil }
        return (.remote(host: host.lowercased(), path: normalisedRemotePath(String(text[text.index(after: colon)...]))), display)
    }

    /// `org/repo` from `/org//repo.git/`.
    private static func normalisedRemotePath(_ path: String) -> String {
        var segments = path.split(separator: "/").map(String.init)
        if let last = segments.last, last.hasSuffix(".git") {
            let stem = String(last.dropLast(4))
            if stem.isEmpty { segments.removeLast() } else { segments[segments.count - 1] = stem }
        }
        return segments.joined(separator: "/")
    }

    /// A path with `.`, `..`, duplicate and trailing slashes resolved lexically.
    private static func normalisedLocalPath(_ path: String) -> String {
        var segments: [String] = []
        for segment in path.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..":
                if let last = segments.last, last != ".." { segments.removeLast() } else if !path.hasPrefix("/") { segments.append("..") }
            default: segments.append(String(segment))
            }
        }
        let joined = segments.joined(separator: "/")
        if path.hasPrefix("/") { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
