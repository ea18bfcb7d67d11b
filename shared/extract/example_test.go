package extract_test

import (
	"fmt"

	"unspool/shared/extract"
)

// An X conversation page (here two cells of it, as the extension sends
// them): the author's two posts form the thread; the reply by someone else
// does not belong to it and marks the thread's end.
func ExampleExtract() {
	page := `<div data-testid="cellInnerDiv"><article data-testid="tweet">
  <div data-testid="User-Name"><a href="/ada"><span>Ada</span></a><a href="/ada">@ada</a>
    <a href="/ada/status/100"><time datetime="2026-03-01T09:00:00.000Z">Mar 1</time></a></div>
  <div data-testid="tweetText" lang="en"><span>Threads are better unrolled </span><img alt="🧵"></div>
</article></div>
<div data-testid="cellInnerDiv"><article data-testid="tweet">
  <div data-testid="User-Name"><a href="/ada"><span>Ada</span></a><a href="/ada">@ada</a>
    <a href="/ada/status/101"><time datetime="2026-03-01T09:01:00.000Z">Mar 1</time></a></div>
  <div data-testid="tweetText" lang="en"><span>More at </span><a href="https://t.co/x"><span>https://</span>example.org/unspool<span>…</span></a></div>
</article></div>
<div data-testid="cellInnerDiv"><article data-testid="tweet">
  <div data-testid="User-Name"><a href="/bob"><span>Bob</span></a><a href="/bob">@bob</a>
    <a href="/bob/status/102"><time datetime="2026-03-01T10:00:00.000Z">Mar 1</time></a></div>
  <div data-testid="tweetText"><span>Nice!</span></div>
</article></div>`
	t, err := extract.Extract("https://x.com/ada/status/100", []byte(page))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("@"+t.Author.Handle, "complete:", t.Complete)
	for _, p := range t.Posts {
		fmt.Println(p.ID, p.Text)
	}
	// Output:
	// @ada complete: true
	// 100 Threads are better unrolled 🧵
	// 101 More at https://example.org/unspool
}

// A page URL that names no post gets a clear error, never a guess.
func ExampleExtract_notAPost() {
	_, err := extract.Extract("https://x.com/home", []byte(`<div data-testid="cellInnerDiv"></div>`))
	fmt.Println(err)
	// Output:
	// https://x.com/home is not the address of an X post (x.com/<handle>/status/<id>)
}
