import Testing
@testable import Promote

@Suite struct VerifyRepositoryURLTests {
    @Test(arguments: [
        "ssh://git@git.example.com/org/repo.git",
        "git@git.example.com:org/repo",
        "git@git.example.com:org/repo.git",
        "https://git.example.com/org/repo/",
        "http://user@git.example.com/org/repo.git",
        "https://x-access-token:secret@GIT.Example.com/org/repo.git",
        "ssh://git@git.example.com:2222/org/repo.git",
        "ssh://git@git.example.com:org/repo.git",
        "git://git.example.com/org/repo",
        "https://git.example.com//org/repo.git/",
    ])
    func spellingsOfOneRepositoryAreEqual(spelling: String) {
        let reference = RepositoryURL("https://git.example.com/org/repo")
        #expect(RepositoryURL(spelling).sameRepository(as: reference))
        #expect(RepositoryURL(spelling).description == "git.example.com/org/repo")
    }

    @Test(arguments: [
        "https://git.example.com/org/other.git",
        "https://git.example.com/other/repo.git",
        "https://git.example.org/org/repo.git",
        "https://git.example.com/org/repo/sub",
        "https://git.example.com/Org/Repo",
        "git@gitlab.example.com:org/repo.git",
        "/srv/git/org/repo.git",
    ])
    func otherRepositoriesDiffer(spelling: String) {
        #expect(!RepositoryURL(spelling).sameRepository(as: RepositoryURL("ssh://git@git.example.com/org/repo.git")))
    }

    @Test func localPathsCompareAsPaths() {
        let path = RepositoryURL("/srv/git/keos.git")
        #expect(path.sameRepository(as: RepositoryURL("file:///srv/git/keos.git")))
        #expect(path.sameRepository(as: RepositoryURL("/srv/git/./repos/../keos.git/")))
        #expect(!path.sameRepository(as: RepositoryURL("/srv/git/keos")))
        #expect(!path.sameRepository(as: RepositoryURL("/srv/other/keos.git")))
        #expect(RepositoryURL("../keos").location == .local(path: "../keos"))
    }

    @Test func theDisplayFormCarriesNoCredentials() {
        #expect(RepositoryURL("https://x-access-token:ghp_secret@github.com/org/repo.git").displayForm == "https://github.com/org/repo.git")
        #expect(RepositoryURL("https://ghp_tokenonly@github.com/org/repo").displayForm == "https://github.com/org/repo")
        #expect(RepositoryURL("ssh://git:hunter2@git.example.com/org/repo.git").displayForm == "ssh://git@git.example.com/org/repo.git")
        #expect(RepositoryURL("git@git.example.com:org/repo.git").displayForm == "git@git.example.com:org/repo.git")
        #expect(RepositoryURL("ssh://git@git.example.com/org/repo.git").displayForm == "ssh://git@git.example.com/org/repo.git")
    }
}

@Suite struct VerifyAppliedRevisionTests {
    private static let hex = "450796ddb2ab6724ee1cc32a4be56da032d1cca0"

    @Test(arguments: [
        ("main@sha1:\(hex)", "main", "main"),
        ("refs/heads/main@sha1:\(hex)", "refs/heads/main", "main"),
        ("main/\(hex)", "main", "main"),
        ("release/1.0@sha1:\(hex)", "release/1.0", "release/1.0"),
        ("release/1.0/\(hex)", "release/1.0", "release/1.0"),
        ("refs/tags/v1.0.0@sha1:\(hex)", "refs/tags/v1.0.0", nil),
        ("sha1:\(hex)", "", nil),
        ("HEAD/\(hex)", "HEAD", nil),
    ] as [(String, String, String?)])
    func readsEveryFluxRevisionFormat(text: String, reference: String, branch: String?) throws {
        let revision = try #require(AppliedRevision(text))
        #expect(revision.commit.hex == Self.hex)
        #expect(revision.reference == reference)
        #expect(revision.branch == branch)
    }

    @Test(arguments: [
        "",
        "main",
        "main@sha1:450796d",
        "main@sha256:\(hex)",
        "latest@sha256:9f4c0e0a5c6d1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3",
        "main/450796d",
        "main@sha1:\(hex)x",
        "6.5.3",
    ])
    func rejectsWhatIsNotAGitRevision(text: String) {
        #expect(AppliedRevision(text) == nil)
    }

    @Test func describesItselfWithAShortCommit() {
        #expect(AppliedRevision("main/\(Self.hex)")?.description == "main@sha1:450796ddb2ab")
        #expect(AppliedRevision("sha1:\(Self.hex)")?.description == "sha1:450796ddb2ab")
    }
}

@Suite struct VerifyAppliedFolderTests {
    @Test(arguments: [
        ("./components/monitoring/controllers/staging", "components", "components/monitoring"),
        ("components/monitoring/staging", "components", "components/monitoring"),
        ("./components/monitoring", "components", "components/monitoring"),
        ("./components//apps/staging/", "./components/", "components/apps"),
        ("./clusters/staging", "components", "clusters/staging"),
        ("./components-legacy/apps", "components", "components-legacy/apps"),
        ("./components", "components", "components"),
        ("./components/../update", "components", "update"),
        ("", "components", ""),
        ("./", "components", ""),
        (".", "components", ""),
        ("./platform/components/apps/staging", "platform/components", "platform/components/apps"),
        ("./components/apps/staging", "platform/components", "components/apps/staging"),
    ])
    func theFolderIsTheComponentOrThePathItself(specPath: String, componentsDirectory: String, folder: String) {
        #expect(AppliedFolder.folder(forSpecPath: specPath, componentsDirectory: componentsDirectory) == folder)
    }
}
