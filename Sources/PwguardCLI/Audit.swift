import ArgumentParser
struct Audit: ParsableCommand {
    func run() throws {}
}
