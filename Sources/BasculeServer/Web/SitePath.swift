/// Where the pages may send a browser back to: only paths of this site, never an open redirect.
enum SitePath {
    static func local(_ target: String?, fallback: String = "/releases") -> String {
        guard let target, target.hasPrefix("/"), !target.hasPrefix("//"), !target.hasPrefix("/\\") else { return fallback }
        return target
    }
}
