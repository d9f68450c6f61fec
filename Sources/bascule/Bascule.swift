import BasculeCLI

@main
struct Bascule {
    static func main() async {
        await BasculeCommand.main()
    }
}
