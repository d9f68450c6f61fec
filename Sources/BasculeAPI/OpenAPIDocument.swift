import Foundation

/// The contract as written, served at `/api/v1/openapi.yaml` so that clients read the very
/// document the server and the CLI were generated from.
public enum OpenAPIDocument {
    public static func yaml() -> Data? {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else { return nil }
        return try? Data(contentsOf: url)
    }
}
