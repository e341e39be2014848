import ArgumentParser
import Foundation
import PwguardCheck

/// `pwguard stats`: summarises the JSON-lines event file (`[log] json_file`).
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a JSON-lines event log: decisions, rejections per rule and per policy.",
        discussion: "Reads the file written by `[log] json_file` (one object per decision). Lines that are not pwguard events are counted and skipped."
    )

    @Argument(help: "The JSON-lines event file.")
    var file: String
    @Option(help: "Only events in the last period: a number with s, m, h or d (e.g. 24h, 7d).")
    var since: String?
    @Flag(help: "Print JSON instead of text.")
    var json = false

    struct Summary {
        var events = 0
        var skipped = 0
        var verdicts: [String: Int] = [:]
        var rejectionsByRule: [String: Int] = [:]
        var rejectionsByPolicy: [String: Int] = [:]
        var first: String?
        var last: String?
    }

    static func seconds(_ period: String) -> Double? {
        guard let unit = period.last, let n = Double(period.dropLast()), n >= 0 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86400
        default: return nil
        }
    }

    /// Summarises event lines; `cutoff` is the earliest ISO 8601 time kept (events' `time` sorts as text).
    static func summarise(_ text: String, cutoff: String?) -> Summary {
        var s = Summary()
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let verdict = obj["verdict"] as? String else {
                s.skipped += 1
                continue
            }
            let time = obj["time"] as? String
            if let cutoff, let time, time < cutoff { continue }
            s.events += 1
            s.verdicts[verdict, default: 0] += 1
            if let time {
                s.first = min(s.first ?? time, time)
                s.last = max(s.last ?? time, time)
            }
            // monitor-mode failures count too: they are what enforce would have rejected
            guard verdict == "reject" || verdict == "accept-monitor" else { continue }
            s.rejectionsByPolicy[(obj["policy"] as? String) ?? "(none)", default: 0] += 1
            for f in (obj["failed"] as? [[String: Any]]) ?? [] {
                if let rule = f["rule"] as? String { s.rejectionsByRule[rule, default: 0] += 1 }
            }
        }
        return s
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        var cutoff: String?
        if let since {
            guard let secs = Self.seconds(since) else { throw ValidationError("--since must look like 30m, 24h or 7d") }
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            cutoff = f.string(from: Date().addingTimeInterval(-secs))
        }
        let s = Self.summarise(String(decoding: data, as: UTF8.self), cutoff: cutoff)
        let sorted = { (d: [String: Int]) in d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key } }
        if json {
            print(JSON.object([
                ("events", .int(s.events)), ("skipped_lines", .int(s.skipped)),
                ("first", .opt(s.first)), ("last", .opt(s.last)),
                ("verdicts", .object(sorted(s.verdicts).map { ($0.key, .int($0.value)) })),
                ("rejections_by_rule", .object(sorted(s.rejectionsByRule).map { ($0.key, .int($0.value)) })),
                ("rejections_by_policy", .object(sorted(s.rejectionsByPolicy).map { ($0.key, .int($0.value)) })),
            ]).render())
            return
        }
        print("\(s.events) decisions" + (s.first.map { " from \($0) to \(s.last!)" } ?? "")
              + (s.skipped > 0 ? " (\(s.skipped) lines skipped)" : ""))
        for (title, table) in [("verdicts", s.verdicts), ("rejections by rule (incl. monitor mode)", s.rejectionsByRule),
                               ("rejections by policy (incl. monitor mode)", s.rejectionsByPolicy)] {
            print("\n\(title)")
            if table.isEmpty { print("  (none)") }
            for (k, v) in sorted(table) { print("  \(String(v).leftPad(6))  \(k)") }
        }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
