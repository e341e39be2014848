import PwguardCore
import TOMLKit

// The configuration file (/etc/pwguard/pwguard.toml) as PwguardCore values. docs/configuration.md
// describes every key; samba-examples/pwguard.toml shows them all with comments.

/// Where events go (`[log]`).
public struct LogSettings: Sendable, Equatable {
    /// Syslog facility: "authpriv" (the default) or "auth".
    public var facility: String
    /// Also append one JSON object per event to this file (absolute path), when set.
    public var jsonFile: String?
    /// Syslog identity (default "pwguard").
    public var ident: String
    /// Seed 001's "Capture Rejected Password", off by default: append each password the policy rejects to
    /// this root-only file (absolute path; created 0600, never written when group or others can read it).
    /// It holds plaintext passwords users tried: enable it only for a short investigation.
    public var captureRejectedFile: String? = nil

    public init(facility: String = "authpriv", jsonFile: String? = nil, ident: String = "pwguard") {
        self.facility = facility
        self.jsonFile = jsonFile
        self.ident = ident
    }
}

/// How to reach the directory for group, container and name lookups (`[directory]`).
public struct DirectorySettings: Sendable, Equatable {
    /// `ldapi://…`, `ldaps://…` or `ldap://…`; nil means the local DC's ldapi socket.
    public var uri: String?
    /// Samba's private directory (where the ldapi socket lives), when not the build default.
    public var privateDir: String?
    /// Time allowed for the lookups, in milliseconds (default 200; less than `deadline_ms`).
    public var timeoutMilliseconds: Int
    /// Simple bind DN; requires `passwordFile`.
    public var bindDN: String?
    /// File holding the bind password (absolute path).
    public var passwordFile: String?
    /// SASL mechanism: "gssapi", or nil.
    public var sasl: String?
    /// False turns every lookup off (group and container filters then see "not resolved").
    public var enabled: Bool

    public init(
        uri: String? = nil, privateDir: String? = nil, timeoutMilliseconds: Int = 200, bindDN: String? = nil,
        passwordFile: String? = nil, sasl: String? = nil, enabled: Bool = true
    ) {
        self.uri = uri
        self.privateDir = privateDir
        self.timeoutMilliseconds = timeoutMilliseconds
        self.bindDN = bindDN
        self.passwordFile = passwordFile
        self.sasl = sasl
        self.enabled = enabled
    }
}

/// Password history (`[history]`): where the records live and how new ones are hashed and kept.
public struct HistorySettings: Sendable, Equatable {
    /// What to do with the history of a user whose policy has no history rule (or who has no policy).
    public enum WithoutRule: String, Sendable, CaseIterable {
        /// Leave it as it is (no Argon2, no write): the default.
        case keep
        /// Delete it after the change (seed 004, PPE: "deleted if the user does not have an assigned policy, or
        /// if the History rule is disabled").
        case delete
        /// Record the change anyway, so a history rule enabled later starts with a history (seed 004's advice to
        /// run both history rules while transitioning). Costs an Argon2 computation per change.
        case record
    }

    /// The directory attribute holding the records (an octet-string, multi-valued, confidential attribute).
    public var attribute: String
    /// How new records are hashed.
    public var hashing: HistoryHashing
    /// Most records kept per user (≤ 100).
    public var maxRecords: Int
    /// How long the record process waits for the change to commit before it gives up (seconds).
    public var confirmTimeoutSeconds: Int
    public var withoutRule: WithoutRule
    /// Where record processes take their seats (flock files): a root-owned directory, created 0700.
    public var runDirectory: String
    /// At most this many record processes hold a seat at once, and at most `maxRecordProcessesPerUser` per user.
    public var maxRecordProcesses: Int
    public var maxRecordProcessesPerUser: Int

    public static let defaultAttribute = "pwguardPasswordHistory"
    public static let defaultRunDirectory = "/run/pwguard"

    public init(attribute: String = HistorySettings.defaultAttribute, hashing: HistoryHashing = .defaultArgon2id,
                maxRecords: Int = 100, confirmTimeoutSeconds: Int = 30, withoutRule: WithoutRule = .keep,
                runDirectory: String = HistorySettings.defaultRunDirectory, maxRecordProcesses: Int = 16, maxRecordProcessesPerUser: Int = 4) {
        self.attribute = attribute
        self.hashing = hashing
        self.maxRecords = maxRecords
        self.confirmTimeoutSeconds = confirmTimeoutSeconds
        self.withoutRule = withoutRule
        self.runDirectory = runDirectory
        self.maxRecordProcesses = maxRecordProcesses
        self.maxRecordProcessesPerUser = maxRecordProcessesPerUser
    }
}

/// A loaded, validated configuration.
public struct Configuration: Sendable {
    /// The file it came from; nil for the embedded default or text parsed without a path.
    public var path: String?
    /// `on_error`: what happens when pwguard cannot decide.
    public var onError: OnError
    /// `deadline_ms`: decide within this many milliseconds (50...900; Samba warns at 1 s).
    public var deadlineMilliseconds: Int
    /// Every `[[policy]]`, sorted by priority (file order among equal priorities).
    public var policies: [Policy]
    /// `default_policy`: the name of the policy that applies when no other policy's filters match.
    public var defaultPolicy: String?
    /// Word lists (`[lists]`) and the substitution table (`[substitutions]`) the rules were built with.
    public var resources: Resources
    public var log: LogSettings
    public var directory: DirectorySettings
    public var history: HistorySettings
    /// `domain`: the AD DNS domain name (e.g. "lab.example").
    public var domain: String?
    /// `server`: this DC's host name, for `servers` filters (default: the host name).
    public var server: String?

    public init(
        path: String? = nil, onError: OnError = .reject, deadlineMilliseconds: Int = 500, policies: [Policy],
        defaultPolicy: String? = nil, resources: Resources = Resources(), log: LogSettings = LogSettings(),
        directory: DirectorySettings = DirectorySettings(), history: HistorySettings = HistorySettings(),
        domain: String? = nil, server: String? = nil
    ) {
        self.history = history
        self.path = path
        self.onError = onError
        self.deadlineMilliseconds = deadlineMilliseconds
        self.policies = policies
        self.defaultPolicy = defaultPolicy
        self.resources = resources
        self.log = log
        self.directory = directory
        self.domain = domain
        self.server = server
    }

    /// Reads and validates the file at `path`. Throws the first `ConfigError` (in file order); an
    /// unreadable file gives an error naming the path and the system's reason.
    public static func load(path: String) throws -> Configuration {
        let (configuration, errors) = loadCollecting(path: path)
        if let first = errors.first { throw first }
        return configuration!
    }

    /// Parses and validates TOML text; `path` is used in messages and to resolve relative list paths.
    public static func parse(text: String, path: String?) throws -> Configuration {
        let (configuration, errors) = parseCollecting(text: text, path: path)
        if let first = errors.first { throw first }
        return configuration!
    }

    /// Every error of the file at `path`, in file order; empty when the file is valid (`pwguard config check`).
    public static func validate(path: String) -> [ConfigError] { loadCollecting(path: path).errors }

    /// Every error of the text, in file order; empty when it is valid.
    public static func validate(text: String, path: String?) -> [ConfigError] { parseCollecting(text: text, path: path).errors }

    /// The configuration (when valid) and every error found.
    public static func loadCollecting(path: String) -> (configuration: Configuration?, errors: [ConfigError]) {
        let bytes: [UInt8]
        do {
            bytes = try readFileBytes(path, limit: 4 << 20, trusted: true)
        } catch let e as FileError {
            let what = e.reason.hasPrefix(FileTrust.refusedPrefix) ? "refused the configuration file" : "cannot read the configuration file"
            return (nil, [ConfigError(file: path, key: "", message: "\(what): \(e.reason)")])
        } catch {
            return (nil, [ConfigError(file: path, key: "", message: "cannot read the configuration file: \(error)")])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return (nil, [ConfigError(file: path, key: "", message: "the configuration file is not valid UTF-8")])
        }
        return parseCollecting(text: text, path: path)
    }

    /// The configuration (when valid) and every error found in `text`.
    public static func parseCollecting(text: String, path: String?) -> (configuration: Configuration?, errors: [ConfigError]) {
        if text.utf8.contains(0) {
            return (nil, [ConfigError(file: path, key: "", message: "the configuration contains a NUL byte")])
        }
        if let (line, message) = TOMLPrecheck.problem(text) {
            return (nil, [ConfigError(file: path, line: line, key: "", message: "TOML syntax error: " + message)])
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            let at = e.source.begin
            return (nil, [ConfigError(file: path, line: at.line, key: "", message: "TOML syntax error (column \(at.column)): \(e.description)")])
        } catch {
            return (nil, [ConfigError(file: path, key: "", message: "TOML syntax error: \(error)")])
        }
        let loader = Loader(file: path, lines: LineIndex(text))
        let configuration = loader.configuration(loader.values(root, path: ""))
        let errors = loader.sortedErrors()
        return (errors.isEmpty ? configuration : nil, errors)
    }
}
