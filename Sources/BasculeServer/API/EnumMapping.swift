/// The contract's enums and the domain's share their spelling: one conversion for all of them.
func mapped<Target: RawRepresentable, Source: RawRepresentable>(_ value: Source, or fallback: Target) -> Target
where Target.RawValue == String, Source.RawValue == String {
    Target(rawValue: value.rawValue) ?? fallback
}

func mapped<Target: RawRepresentable, Source: RawRepresentable>(_ value: Source?) -> Target?
where Target.RawValue == String, Source.RawValue == String {
    value.flatMap { Target(rawValue: $0.rawValue) }
}
