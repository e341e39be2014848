/// Lists compiled into the binary, so the embedded default policy needs no file on the DC.
public enum BuiltinLists {
    public static let names = ["common-passwords"]

    public static func text(_ name: String) -> String? {
        switch name {
        case "common-passwords": return CommonPasswords.text
        default: return nil
        }
    }
}
