/// A page that could not be shown, and why.
enum ErrorPage {
    struct Model: Sendable {
        let message: String
    }
}
