import ArgumentParser
import PwguardCore

/// `pwguard rules`: the reference of every rule, generated from the rules themselves.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every rule: id, what it does, parameters with defaults, and examples.",
        discussion: "The examples are the test suite's: each one is checked on every build."
    )

    @Argument(help: "Show only these rule ids.")
    var ids: [String] = []
    @Flag(help: "Print JSON instead of text.")
    var json = false
    @Flag(help: "Print Markdown (the README's rule reference is generated with this).")
    var markdown = false

    func run() throws {
        var types = RuleRegistry.all
        if !ids.isEmpty {
            for id in ids where RuleRegistry.type(id) == nil {
                throw ValidationError("unknown rule \"\(id)\"; known: \(RuleRegistry.all.map { $0.id }.joined(separator: ", "))")
            }
            types = types.filter { ids.contains($0.id) }
        }
        if json {
            print(JSON.array(types.map(Self.json)).render())
        } else if markdown {
            print(types.map(Self.markdown).joined(separator: "\n"), terminator: "")
        } else {
            print(types.map(Self.text).joined(separator: "\n"), terminator: "")
        }
    }

    static func params(_ e: RuleExample) -> String {
        e.parameters.isEmpty ? "defaults" : e.parameters.keys.sorted().map { "\($0) = \(e.parameters[$0]!)" }.joined(separator: ", ")
    }

    static func who(_ e: RuleExample) -> String {
        let i = e.identity
        var parts: [String] = []
        if i.accountName != "user" { parts.append("account \(i.accountName)") }
        if let v = i.displayName { parts.append("display name \"\(v)\"") }
        if let v = i.givenName { parts.append("given name \"\(v)\"") }
        if let v = i.surname { parts.append("surname \"\(v)\"") }
        if let v = i.userPrincipalName { parts.append("UPN \(v)") }
        for (k, v) in e.lists.sorted(by: { $0.key < $1.key }) { parts.append("list \(k) = [\(v.joined(separator: ", "))]") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }

    static func text(_ t: any PasswordRule.Type) -> String {
        var out = "\(t.id)\n  \(t.summary)\n"
        out += wrap(t.details, indent: "  ")
        if !t.parameters.isEmpty {
            out += "  parameters:\n"
            for p in t.parameters { out += "    \(p.name) (\(p.type), default \(p.defaultValue)): \(p.help)\n" }
        }
        out += "  examples:\n"
        for e in t.examples {
            out += "    \(e.accepted ? "accepted" : "rejected")  \"\(e.password)\"  with \(params(e))\(who(e))  [\(e.source)]\n"
        }
        return out
    }

    static func markdown(_ t: any PasswordRule.Type) -> String {
        var out = "### `\(t.id)`\n\n\(t.summary) \(t.details)\n\n"
        if !t.parameters.isEmpty {
            out += "| parameter | type | default | meaning |\n| --- | --- | --- | --- |\n"
            for p in t.parameters { out += "| `\(p.name)` | \(p.type) | \(p.defaultValue) | \(p.help) |\n" }
            out += "\n"
        }
        out += "| password | verdict | parameters | source |\n| --- | --- | --- | --- |\n"
        for e in t.examples {
            let pw = e.password.replacingOccurrences("|", with: "\\|")
            out += "| `\(pw)` | \(e.accepted ? "accepted" : "rejected") | \(params(e).replacingOccurrences("|", with: "\\|"))\(who(e)) | \(e.source) |\n"
        }
        return out
    }

    static func json(_ t: any PasswordRule.Type) -> JSON {
        .object([
            ("id", .string(t.id)), ("summary", .string(t.summary)), ("details", .string(t.details)),
            ("parameters", .array(t.parameters.map { .object([("name", .string($0.name)), ("type", .string($0.type)), ("default", .string($0.defaultValue)), ("help", .string($0.help))]) })),
            ("examples", .array(t.examples.map { e in
                .object([
                    ("password", .string(e.password)), ("accepted", .bool(e.accepted)),
                    ("parameters", .object(e.parameters.keys.sorted().map { ($0, .string(e.parameters[$0]!.description)) })),
                    ("identity", .string(who(e))), ("source", .string(e.source)),
                ])
            })),
        ])
    }

    static func wrap(_ s: String, indent: String, width: Int = 100) -> String {
        var out = ""
        var line = indent
        for word in s.split(separator: " ") {
            if line.count + word.count + 1 > width, line != indent {
                out += line + "\n"
                line = indent
            }
            line += (line == indent ? "" : " ") + word
        }
        if line != indent { out += line + "\n" }
        return out
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
