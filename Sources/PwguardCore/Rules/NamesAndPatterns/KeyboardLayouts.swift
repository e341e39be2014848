// Keyboard layouts as grids of keys, for the keyboard rule (seed 001 "Keyboard Layout Sequence", seed 004
// "Keyboard Pattern Rule").
//
// Each layout lists the four character rows of a standard desktop keyboard, top (digits) to bottom. A row
// is its keys separated by spaces; a key is the characters it types: unshifted, Shift, then AltGr, so that
// modifier keys do not evade detection (seed 004: "Modifier keys such as Shift and AltGr will not evade
// pattern detection"). Where a character is on two keys the first listing wins (unshifted before Shift
// before AltGr). Rows are staggered: `offset` is where the row's first key starts, in quarter-key units
// from the left end of the digit row (ANSI/ISO stagger: 0, 1.5, 1.75 and 2.25 keys; ISO boards have one
// more key left of "z", starting at 1.25).
//
// Two keys are horizontal neighbours when they are next to each other in one row; vertical neighbours
// when they are in adjacent rows and overlap (less than a key apart horizontally): "4esz" and "4rfc" are
// vertical patterns (seed 004), whichever way the stagger leans.

struct KeyPosition: Sendable, Equatable {
    var row: Int
    /// Index of the key in its row.
    var index: Int
    /// Left edge of the key, in quarter keys from the left end of the digit row.
    var x: Int
}

struct KeyboardLayout: Sendable {
    let id: String
    let name: String
    private let keys: [Unicode.Scalar: KeyPosition]

    init(_ id: String, _ name: String, rows: [(offset: Int, keys: String)]) {
        self.id = id
        self.name = name
        let grid = rows.map { row in row.keys.split(separator: " ").map { Array($0.unicodeScalars) } }
        var keys: [Unicode.Scalar: KeyPosition] = [:]
        let layers = grid.map { $0.map(\.count).max() ?? 0 }.max() ?? 0
        for layer in 0..<layers {
            for (r, row) in grid.enumerated() {
                for (i, key) in row.enumerated() where layer < key.count && keys[key[layer]] == nil {
                    keys[key[layer]] = KeyPosition(row: r, index: i, x: rows[r].offset + 4 * i)
                }
            }
        }
        self.keys = keys
    }

    /// The key that types `c`, trying its lower-case form for letters not listed with Shift.
    @inline(__always)
    func key(_ c: Unicode.Scalar) -> KeyPosition? { keys[c] ?? keys[lowerScalar(c)] }

    init(_ d: (id: String, name: String, rows: [(offset: Int, keys: String)])) { self.init(d.id, d.name, rows: d.rows) }

    static let all: [KeyboardLayout] = [us, uk, de, fr]

    static func named(_ id: String) -> KeyboardLayout? { all.first { $0.id == id } }

    /// US English (QWERTY, ANSI).
    static let us = KeyboardLayout(definitions[0])

    /// UK English (QWERTY, ISO).
    static let uk = KeyboardLayout(definitions[1])

    /// German (QWERTZ, ISO).
    static let de = KeyboardLayout(definitions[2])

    /// French (AZERTY, ISO). The digit row types digits with Shift.
    static let fr = KeyboardLayout(definitions[3])

    /// Every layout as data: id, name and rows (the strength rule reads these without building the layouts'
    /// dictionaries).
    static let definitions: [(id: String, name: String, rows: [(offset: Int, keys: String)])] = [
        // US English (QWERTY, ANSI).
        ("us", "US", [
            (0, "`~ 1! 2@ 3# 4$ 5% 6^ 7& 8* 9( 0) -_ =+"),
            (6, "qQ wW eE rR tT yY uU iI oO pP [{ ]} \\|"),
            (7, "aA sS dD fF gG hH jJ kK lL ;: '\""),
            (9, "zZ xX cC vV bB nN mM ,< .> /?"),
        ]),
        // UK English (QWERTY, ISO).
        ("uk", "UK", [
            (0, "`¬¦ 1! 2\" 3£ 4$€ 5% 6^ 7& 8* 9( 0) -_ =+"),
            (6, "qQ wW eEé rR tT yYý uUú iIí oOó pP [{ ]}"),
            (7, "aAá sS dD fF gG hH jJ kK lL ;: '@ #~"),
            (5, "\\| zZ xX cC vV bB nN mM ,< .> /?"),
        ]),
        // German (QWERTZ, ISO).
        ("de", "German", [
            (0, "^° 1! 2\"² 3§³ 4$ 5% 6& 7/{ 8([ 9)] 0=} ß?\\ ´`"),
            (6, "qQ@ wW eE€ rR tT zZ uU iI oO pP üÜ +*~"),
            (7, "aA sS dD fF gG hH jJ kK lL öÖ äÄ #'"),
            (5, "<>| yY xX cC vV bB nN mMµ ,; .: -_"),
        ]),
        // French (AZERTY, ISO). The digit row types digits with Shift.
        ("fr", "French", [
            (0, "² &1 é2~ \"3# '4{ (5[ -6| è7` _8\\ ç9^ à0@ )°] =+}"),
            (6, "aA zZ eE€ rR tT yY uU iI oO pP ^¨ $£¤"),
            (7, "qQ sS dD fF gG hH jJ kK lL mM ù% *µ"),
            (5, "<> wW xX cC vV bB nN ,? ;. :/ !§"),
        ]),
    ]
}
