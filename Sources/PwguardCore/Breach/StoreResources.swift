// Stores as rules see them: opened once per process through `Resources`, a broken one kept as `.broken`
// so the check can report it (and follow on_error) instead of trusting it.

extension Resources {
    /// The store `reference` names: an inline list (its entries are passwords, hashed with SHA-1 here), a
    /// name from `[stores]`, or a path (relative paths are resolved against the configuration's directory).
    public func store(_ reference: String) -> StoreHandle {
        if let s = storeCache[reference] { return s }
        let handle: StoreHandle
        if let words = inline[reference] {
            handle = .inline(Set(words.map { Digest.sha1(Array($0.utf8)) }))
        } else {
            var path = storePaths[reference] ?? reference
            if !path.hasPrefix("/"), let base = baseDirectory { path = base + "/" + path }
            do {
                handle = .mapped(try HashStore(path: path))
            } catch {
                handle = .broken(error)
            }
        }
        storeCache[reference] = handle
        return handle
    }

    /// Every store opened so far that cannot be used, by the name rules use: `pwguard check` refuses to
    /// decide with them (it follows on_error), `pwguard config check` reports them.
    public var storeProblems: [(name: String, error: StoreError)] {
        storeCache.keys.sorted().compactMap { name in
            if case .broken(let e) = storeCache[name]! { return (name, e) }
            return nil
        }
    }
}
