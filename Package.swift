// swift-tools-version:6.0
import PackageDescription

// pwguard: the check password script for Samba AD DCs.
//
// Layout (see README "Architecture"):
//   CLDAP, CArgon2, CCrypto   thin C shims over libldap, libargon2, libcrypto; no C pointer leaves them
//   PwguardCore               the security core: input, normalisation, rules, policies, engine (stdlib only)
//   PwguardConfig             TOML configuration -> PwguardCore policies (TOMLKit)
//   PwguardCheck              the hot path Samba runs: `pwguard check`
//   PwguardCLI                admin commands (explain, rules, config check) on swift-argument-parser
//   pwguard                   the executable: dispatches `check` before any CLI machinery loads
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
        .systemLibrary(name: "CLDAP", pkgConfig: "ldap", providers: [.apt(["libldap2-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "PwguardCore"),
        .target(name: "PwguardConfig", dependencies: ["PwguardCore", "TOMLKit"]),
        .target(name: "CProcess"),
        .target(name: "PwguardCheck", dependencies: ["PwguardCore", "PwguardConfig", "CProcess"]),
        .target(name: "PwguardCLI", dependencies: [
            "PwguardCore", "PwguardConfig", "PwguardCheck",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "pwguard", dependencies: ["PwguardCheck", "PwguardCLI"]),
        .testTarget(name: "PwguardCoreTests", dependencies: ["PwguardCore", "PwguardConfig"]),
        .testTarget(name: "PwguardConfigTests", dependencies: ["PwguardConfig", "PwguardCore"]),
        .testTarget(name: "PwguardCLITests", dependencies: ["pwguard", "PwguardCLI", "PwguardCheck", "PwguardCore", "PwguardConfig"]),
        // Links the C shims so they build from day one; later issues call them from the product.
        .testTarget(name: "ShimTests", dependencies: ["CCrypto", "CArgon2", "CLDAP"]),
    ]
)
