/// Seed 004 "Keyboard Pattern Rule" and seed 001 "Keyboard Layout Sequence": rejects runs of neighbouring
/// keys such as "qwerty", "4rfc" or "!@#$".
public struct KeyboardRule: PasswordRule {
    public static let id = "keyboard"
    public static let summary = "Rejects keyboard patterns (\"qwerty\", \"zxcvbn\", \"1qaz\") longer than the tolerance."
    public static let details = """
        A keyboard pattern is a run of characters typed on neighbouring keys of one layout: horizontally \
        ("qwerty"; with `key_skip` a skipped key too, "qwryui") or vertically between overlapping keys of \
        adjacent rows ("4esz", "4rfc"). `mode` chooses horizontal, vertical or both. A pattern keeps one \
        direction unless `direction_change` is on ("qwewq", "4rfr4", and with mode both "qawsed", \
        "qwedsa"); with `key_repeat` a key pressed again continues it ("qwwert" is 6). Characters typed with \
        Shift or AltGr count as their key ("!@#$" is "1234"). Reversed runs ("ytrewq", "zse4") count unless \
        `reversed` is false; direction changes always include reverse moves. A password is rejected when its \
        longest pattern on any of `layouts` ("us", "uk", "de", "fr") exceeds the tolerance: seed 001's \
        minimum sequence size of 3 by default (tolerance 2); seed 004's "myqwerpw" holds a 4-character \
        pattern, rejected at tolerance 3 and accepted at 4. Numeric keypads are not modelled. Seed 001 \
        "Keyboard Layout Sequence", seed 004 "Keyboard Pattern Rule".
        """
    public static let parameters = PatternLimit.parameters("keyboard pattern") + [
        ParameterDoc("layouts", "array of strings", default: "[\"us\"]", "Layouts to check: \"us\", \"uk\", \"de\" (QWERTZ), \"fr\" (AZERTY)."),
        ParameterDoc("mode", "\"horizontal\", \"vertical\" or \"both\"", default: "\"both\"", "Which axes patterns may run along."),
        ParameterDoc("direction_change", "boolean", default: "false", "A pattern may change direction (\"qwewq\", \"qawsed\")."),
        ParameterDoc("key_repeat", "boolean", default: "false", "A key typed again continues a pattern (\"qwwert\")."),
        ParameterDoc("key_skip", "boolean", default: "false", "Skipping one key in a row continues a pattern (\"qwryui\", \"adgjl\")."),
        ParameterDoc("reversed", "boolean", default: "true", "Also reject patterns typed right to left or bottom to top (\"ytrewq\")."),
    ]
    public static let examples: [RuleExample] = [
        .reject("QWERTY", source: "seed 001: \"QWERTY\" is blocked (minimum sequence size 3)"),
        .accept("ADGJL", ["min_length": 3, "mode": "horizontal"], source: "seed 001: \"ADGJL\" is allowed"),
        .reject("ADGJL", ["min_length": 3, "mode": "horizontal", "key_skip": true], source: "key skip: \"adgjl\" skips one key each time"),
        .reject("4esz", ["mode": "vertical", "tolerance": 3], source: "seed 004 Vertical mode: \"4esz\""),
        .reject("4rfc", ["mode": "vertical", "tolerance": 3], source: "seed 004 Vertical mode: \"4rfc\""),
        .accept("4esz", ["mode": "horizontal"], source: "seed 004 Horizontal mode only detects horizontal patterns"),
        .reject("qwewq", ["direction_change": true, "tolerance": 4], source: "seed 004 Detect direction change: \"qwewq\" is a 5-character pattern"),
        .accept("qwewq", ["direction_change": true, "tolerance": 5], source: "seed 004: \"qwewq\" is 5 characters, tolerance 5"),
        .accept("qwewq", ["tolerance": 4], source: "seed 004: without direction change \"qwe\" is 3"),
        .reject("4rfr4", ["direction_change": true, "tolerance": 4], source: "seed 004 Detect direction change: \"4rfr4\" is a 5-character pattern"),
        .reject("qawsed", ["direction_change": true, "tolerance": 5], source: "seed 004: \"qawsed\", direction change in both axes, 6 characters"),
        .reject("qwedsa", ["direction_change": true, "tolerance": 5], source: "seed 004: \"qwedsa\", direction change in both axes, 6 characters"),
        .reject("qwedcv", ["direction_change": true, "tolerance": 5], source: "seed 004: \"qwedcv\", direction change in both axes, 6 characters"),
        .reject("qwsazx", ["direction_change": true, "tolerance": 5], source: "seed 004: \"qwsazx\", direction change in both axes, 6 characters"),
        .accept("qwedsa", ["tolerance": 5], source: "seed 004: without direction change \"qwe\" and \"dsa\" are 3"),
        .accept("qawsed", ["direction_change": true, "mode": "horizontal"], source: "seed 004: \"qawsed\" moves only vertically"),
        .reject("qwwert", ["key_repeat": true, "tolerance": 5], source: "seed 004 Detect key repeat: \"qwwert\" is a 6-character pattern"),
        .reject("qwwwer", ["key_repeat": true, "tolerance": 5], source: "seed 004 Detect key repeat: \"qwwwer\" is a 6-character pattern"),
        .accept("qwwert", ["tolerance": 5], source: "seed 004: without key repeat \"wert\" is 4"),
        .reject("qwryui", ["key_skip": true, "tolerance": 5], source: "seed 004 Detect key skip: \"qwryui\" is a 6-character pattern"),
        .accept("qwryui", ["tolerance": 5], source: "seed 004: without key skip \"yui\" is 3"),
        .reject("myqwerpw", ["tolerance": 3], source: "seed 004 Tolerance: \"myqwerpw\" holds a 4-character pattern, tolerance 3"),
        .accept("myqwerpw", ["tolerance": 4], source: "seed 004 Tolerance: \"myqwerpw\", tolerance 4"),
        .reject("ytrewq", source: "seed 001 Reverse order also (on by default)"),
        .accept("ytrewq", ["reversed": false], source: "seed 001: reverse order off"),
        .reject("Pass!@#word", source: "seed 004: Shift does not evade detection (\"!@#\" is \"123\")"),
        .reject("qwertz", ["layouts": ["de"], "tolerance": 5], source: "seed 004 Keyboard Layouts: \"qwertz\" on a German keyboard"),
        .accept("qwertz", ["layouts": ["us"], "tolerance": 5], source: "seed 004: on a US keyboard \"qwertz\" is only \"qwert\""),
        .reject("azerty", ["layouts": ["fr"], "tolerance": 5], source: "seed 004 Keyboard Layouts: \"azerty\" on a French keyboard"),
        .accept("azerty", ["layouts": ["us"], "tolerance": 5], source: "seed 004: on a US keyboard \"azerty\" holds \"erty\""),
        .reject("Tom@w€9", ["layouts": ["de"]], source: "seed 004: AltGr does not evade detection (German \"@w€\" is \"qwe\")"),
        .accept("Tom@w€9", ["layouts": ["us"]], source: "on a US keyboard \"@w€\" is no pattern"),
    ]

    private enum Direction { case right, left, down, up }
    /// One keystroke after another: the same key again, or a move to a neighbour.
    private enum Step {
        case repeated
        case move(Direction)
    }

    let limit: Int
    let layouts: [KeyboardLayout]
    let horizontal: Bool
    let vertical: Bool
    let directionChange: Bool
    let keyRepeat: Bool
    let keySkip: Bool
    let reversed: Bool

    public init(_ p: RuleParameters, resources: Resources) throws {
        limit = try PatternLimit.read(p)!
        let ids = try p.strings("layouts", default: ["us"])
        if ids.isEmpty { throw p.error("layouts", "must name at least one layout") }
        layouts = try ids.map { id in
            guard let l = KeyboardLayout.named(id.lowercased()) else {
                throw p.error("layouts", "unknown layout \"\(id)\" (known: \(KeyboardLayout.all.map { "\"\($0.id)\"" }.joined(separator: ", ")))")
            }
            return l
        }
        let mode = try p.choice("mode", ["horizontal", "vertical", "both"], default: "both")
        horizontal = mode != "vertical"
        vertical = mode != "horizontal"
        directionChange = try p.bool("direction_change", default: false)
        keyRepeat = try p.bool("key_repeat", default: false)
        keySkip = try p.bool("key_skip", default: false)
        reversed = try p.bool("reversed", default: true)
    }

    /// The step from key a to key b, or nil if it breaks a pattern.
    @inline(__always)
    private func step(_ a: KeyPosition, _ b: KeyPosition) -> Step? {
        if a == b { return keyRepeat ? .repeated : nil }
        let d: Direction
        if a.row == b.row {
            guard horizontal else { return nil }
            switch b.index - a.index {
            case 1: d = .right
            case -1: d = .left
            case 2 where keySkip: d = .right
            case -2 where keySkip: d = .left
            default: return nil
            }
        } else if abs(a.row - b.row) == 1 && abs(a.x - b.x) < 4 {
            guard vertical else { return nil }
            d = b.row > a.row ? .down : .up
        } else {
            return nil
        }
        if !reversed && !directionChange && (d == .left || d == .up) { return nil }
        return .move(d)
    }

    /// The longest pattern on one layout: its length and start (length 0 when there is none).
    private func longest(_ scalars: [Unicode.Scalar], on layout: KeyboardLayout) -> (length: Int, start: Int) {
        let keys = scalars.map(layout.key)
        var best = (length: 0, start: 0)
        var start = 0
        while start + 1 < keys.count {
            var direction: Direction?
            var moved = false
            var end = start
            while end + 1 < keys.count, let a = keys[end], let b = keys[end + 1], let s = step(a, b) {
                if case .move(let d) = s {
                    if !directionChange {
                        if let direction, direction != d { break }
                        direction = d
                    }
                    moved = true
                }
                end += 1
            }
            if moved && end - start + 1 > best.length { best = (end - start + 1, start) }
            start += 1
        }
        return best
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        var best = (length: 0, start: 0)
        var bestLayout = layouts[0]
        for layout in layouts {
            let found = longest(c.scalars, on: layout)
            if found.length > best.length {
                best = found
                bestLayout = layout
            }
        }
        if best.length > limit {
            let fragment = PatternLimit.fragment(c.scalars, best.start, best.length)
            return .fail(
                "contains a \(best.length)-character keyboard pattern on the \(bestLayout.name) layout (\(PatternLimit.tolerated(limit)))",
                matched: fragment)
        }
        return .pass("longest keyboard pattern is \(PatternLimit.characters(best.length)) (\(PatternLimit.tolerated(limit)))")
    }
}
