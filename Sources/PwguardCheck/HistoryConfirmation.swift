import PwguardCore

// Whether the change the record process was started for committed — *this* password, not any password.
//
// `check` runs inside the transaction of the change it checks, while Samba holds sam.ldb's write lock: no
// other change commits between the check and that change's commit. So if it commits at all, it is the first
// password set after the check, and the user's unicodePwd version in replPropertyMetaData (read during the
// check) grows by exactly one with it (verified on Samba 4.17: create 2, each later set +1). Samba's
// `ntPwdHistory` holds the NT hashes of the last pwdHistoryLength passwords set, newest (the current one)
// first. With d = version now − version at the check:
//
//     d = 0                  nothing committed yet: wait
//     d ≥ 1                  committed iff ntPwdHistory[d − 1] (for d = 1: unicodePwd) is this password's NT hash
//     d > history length     cannot tell (more changes committed since than Samba keeps): nothing written
//
// A change Samba refused after the script (its own history) followed by a retry that committed is thus told
// apart from the retry at once (issue 12, findings 10 and 13), instead of being recorded when the version
// moves. The privileged ldapi socket (SYSTEM) returns unicodePwd and ntPwdHistory; a connection that does
// not (a service account over ldaps) cannot confirm anything, and the record process says so.

/// What the record process reads about the user's password while it waits.
public struct PasswordState: Sendable, Equatable {
    /// unicodePwd's version in replPropertyMetaData, when present.
    public var version: UInt32?
    public var pwdLastSet: Int64?
    /// The current NT hash (unicodePwd), when the connection may read it and the account has a password.
    public var unicodePwd: [UInt8]?
    /// Samba's NT-hash history (ntPwdHistory): 16-byte hashes, newest first. Empty when pwdHistoryLength is 0.
    public var ntPwdHistory: [UInt8]

    public init(version: UInt32?, pwdLastSet: Int64?, unicodePwd: [UInt8]?, ntPwdHistory: [UInt8]) {
        self.version = version
        self.pwdLastSet = pwdLastSet
        self.unicodePwd = unicodePwd
        self.ntPwdHistory = ntPwdHistory
    }

    /// The i-th newest NT hash of Samba's history (0: the current one), when kept.
    func historyHash(_ i: Int) -> [UInt8]? {
        guard i >= 0, ntPwdHistory.count >= (i + 1) * 16 else { return nil }
        return Array(ntPwdHistory[i * 16..<(i + 1) * 16])
    }

    var historyLength: Int { ntPwdHistory.count / 16 }
}

public enum Confirmation: Sendable, Equatable {
    /// Nothing committed since the check (or the account being created does not exist yet).
    case waiting
    /// This password is the one that committed.
    case committed
    /// Another password committed first: this change was refused after the check (or rolled back).
    case notCommitted(String)
    /// The directory does not show enough to tell: nothing is written.
    case cannotTell(String)

    /// `state` nil: the account does not exist (yet).
    public static func of(_ job: HistoryJob, _ state: PasswordState?) -> Confirmation {
        guard let state else { return .waiting }
        let mine = job.ntHash
        guard let current = state.unicodePwd else {
            // No password yet (an account created without one), or the connection may not read unicodePwd.
            if state.version == nil && job.passwordVersion == nil { return .waiting }
            return .cannotTell("the directory connection does not return unicodePwd: confirming a change needs [directory] "
                + "on the DC's privileged ldapi socket")
        }
        if job.distinguishedName == nil {
            // Created since the check: its first password is the oldest NT hash Samba keeps (or the current one).
            if HistoryHasher.equal(current, mine) { return .committed }
            if let oldest = state.historyHash(state.historyLength - 1), HistoryHasher.equal(oldest, mine) { return .committed }
            return .notCommitted("the account exists with another password (the create was rolled back and redone)")
        }
        guard let before = job.passwordVersion, let now = state.version else {
            // No version to count changes with: only "the current password is this one after pwdLastSet moved".
            if state.pwdLastSet == job.pwdLastSet { return .waiting }
            return HistoryHasher.equal(current, mine) ? .committed : .notCommitted("another password is current")
        }
        if now <= before { return .waiting }
        let d = Int(now - before)
        let set = d == 1 ? current : state.historyHash(d - 1)
        guard let set else {
            return .cannotTell("\(d) password changes committed since the check, more than the \(state.historyLength) NT hashes "
                + "Samba's password history keeps")
        }
        return HistoryHasher.equal(set, mine) ? .committed
            : .notCommitted("another password committed after the check (Samba refused this one, e.g. from its own history)")
    }
}
