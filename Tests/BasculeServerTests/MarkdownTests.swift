@testable import BasculeServer
import Testing

@Suite("Release descriptions in Markdown")
struct MarkdownTests {
    @Test("emphasis, lists and code are rendered")
    func rendersMarkdown() {
        // when
        let html = MarkdownRenderer.html("**Downtime**: 45 min\n\n- stop `billing`\n- start it again")
        // then
        #expect(html.contains("<strong>Downtime</strong>"))
        #expect(html.contains("<li>stop <code>billing</code></li>"))
    }

    @Test("raw HTML is shown as text, never run", arguments: [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "hello <b onclick=\"x()\">there</b>", "<iframe src=//evil>",
    ])
    func rawHTMLEscaped(markdown: String) {
        // when
        let html = MarkdownRenderer.html(markdown)
        // then
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<iframe"))
        // What looked like a tag is text: its attributes can only appear after an escaped `&lt;`.
        #expect(!html.contains("<b"))
        #expect(html.contains("&lt;"))
    }

    @Test("links keep only safe destinations", arguments: [
        ("[docs](https://example.org/runbook)", true), ("[home](/releases)", true), ("[mail](mailto:ops@example.org)", true),
        ("[x](javascript:alert(1))", false), ("[x](data:text/html;base64,AAAA)", false), ("[x](//evil.example)", false),
    ])
    func linkDestinations(markdown: String, kept: Bool) {
        // when
        let html = MarkdownRenderer.html(markdown)
        // then
        #expect(html.contains("href=") == kept, "\(html)")
        #expect(!html.lowercased().contains("javascript:") || !html.contains("href"))
    }
}

@Suite("Markdown with words in angle brackets")
struct MarkdownAngleWordsTests {
    @Test("a <tenant>-like word shows as text and the text after it still renders")
    func angleWordsKeepTheRest() {
        // given
        let markdown = "Connect to <tenant> then restart **billing**.\n\nSecond paragraph with `a <b> c` in code.\n\n```\n<keep> as is\n```"
        // when
        let html = MarkdownRenderer.html(markdown)
        // then
        #expect(html.contains("Connect to &lt;tenant&gt; then restart <strong>billing</strong>."))
        #expect(html.contains("<p>Second paragraph with <code>a &lt;b&gt; c</code> in code.</p>"))
        #expect(html.contains("&lt;keep&gt; as is"))
        #expect(!html.contains("&amp;lt;"))
    }
}
