/// A value for a template: the value itself, or `false` when there is none. swift-mustache
/// renders an absent optional stored in a dictionary as the text "nil"; `false` is simply
/// falsy, so `{{#field}}…{{/field}}` sections behave.
func present(_ value: Any?) -> Any {
    value ?? false
}
