// swift-tools-version:6.0
import PackageDescription

// pwguard: the check password script for Samba AD DCs.
//
// Layout (see README "Architecture"):
//   CLDAP                     the directory lookup in C over libldap, which it dlopens on first use (never linked)
//   CArgon2, CCrypto          thin C shims over libargon2, libcrypto; no C pointer leaves them
//   PwguardData               the built-in ranked word lists, embedded as bytes (C: the assembler's .incbin)
//   PwguardCore               the security core: input, normalisation, rules, policies, engine, history records
//                             (stdlib, Glibc, and libargon2 through CArgon2)
//   PwguardConfig             TOML configuration -> PwguardCore policies (TOMLKit)
//   PwguardDirectory          the directory lookup (user, tokenGroups, group names) as Swift values, over CLDAP
//   PwguardCheck              the hot path Samba runs: `pwguard check`
//   PwguardCLI                admin commands (explain, rules, config check) on swift-argument-parser
//   pwguard                   the executable: dispatches `check` before any CLI machinery loads
//   pwguard-lookup            developer tool: one directory lookup, printed (integration tests, timing)
let package = Package(
    name: "pwguard",
    products: [
        .executable(name: "pwguard", targets: ["pwguard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // Compiles against <ldap.h> (libldap2-dev) for constants and prototypes only: libldap is dlopen'ed
        // on the first lookup, so a check that needs no directory never loads it. Links libdl only.
        .target(name: "CLDAP", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // The built-in ranked lists (blobs/*.pwgr), embedded with .incbin and read in place by PwguardCore.
        .target(name: "PwguardData", exclude: ["blobs"], cSettings: [.headerSearchPath("blobs")]),
        .target(name: "PwguardCore", dependencies: ["CArgon2", "PwguardData"]),
        .target(name: "PwguardConfig", dependencies: ["PwguardCore", "TOMLKit"]),
        .target(name: "CProcess"),
        .target(name: "PwguardDirectory", dependencies: ["CLDAP", "PwguardCore", "PwguardConfig"]),
        .target(name: "PwguardCheck", dependencies: ["PwguardCore", "PwguardConfig", "PwguardDirectory", "CProcess"]),
        .target(name: "PwguardCLI", dependencies: [
            "PwguardCore", "PwguardConfig", "PwguardCheck", "PwguardDirectory",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "pwguard", dependencies: ["PwguardCheck", "PwguardCLI"]),
        .executableTarget(name: "pwguard-lookup", dependencies: ["PwguardDirectory", "PwguardConfig"]),
        .testTarget(name: "PwguardCoreTests", dependencies: ["PwguardCore", "PwguardConfig"]),
        .testTarget(name: "PwguardConfigTests", dependencies: ["PwguardConfig", "PwguardCore"]),
        .testTarget(name: "PwguardDirectoryTests", dependencies: ["PwguardDirectory", "PwguardConfig", "PwguardCore"]),
        .testTarget(name: "PwguardCLITests", dependencies: ["pwguard", "PwguardCLI", "PwguardCheck", "PwguardCore", "PwguardConfig"]),
        // Links the C shims so they build from day one; later issues call them from the product.
        .testTarget(name: "ShimTests", dependencies: ["CCrypto", "CArgon2", "CLDAP"]),
    ]
)
