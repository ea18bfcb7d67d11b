package extract

// Every signal the X DOM extractor reads is read from at least two
// independent markers where X offers them, so one renamed attribute costs a
// detail, not the thread. Each case renames one marker everywhere in a
// golden's page and wants the golden's thread all the same.

import (
	"bytes"
	"path/filepath"
	"testing"
)

func TestXDOMSecondMarkers(t *testing.T) {
	for _, c := range []struct {
		signal, dir string
		renamed     []string // data-testid values renamed away
	}{
		{"post article", "rvinowise-selfthread-3cells", []string{"tweet"}},
		{"post text", "tweetyoink-x-tweet-quote", []string{"tweetText"}},
		{"author name and quote", "tweetyoink-x-tweet-quote", []string{"User-Name"}},
		{"photo", "tweetyoink-x-tweet-quote", []string{"tweetPhoto"}},
		{"avatar", "tweetyoink-x-tweet-quote", []string{"Tweet-User-Avatar"}},
		{"video and GIF", "made-pair", []string{"videoPlayer", "videoComponent"}},
		{"link card", "tweetyoink-x-tweet-sample", []string{"card.wrapper"}},
		{"poll", "rvinowise-selfthread-hidden-replies", []string{"cardPoll"}},
		{"truncation", "made-truncated", []string{"tweet-text-show-more-link"}},
	} {
		t.Run(c.signal, func(t *testing.T) {
			dir := filepath.Join("testdata", "x-dom", c.dir)
			gc, skip := xLoadCase(t, "x-dom", dir)
			if skip != "" {
				t.Skip(skip)
			}
			want := xMarshal(t, mustExtract(t, gc.URL, gc.Content))
			content := gc.Content
			for _, tid := range c.renamed {
				old := []byte(`data-testid="` + tid + `"`)
				if !bytes.Contains(content, old) {
					t.Fatalf("the page has no %s", old)
				}
				content = bytes.ReplaceAll(content, old, []byte(`data-testid="`+tid+`-renamed"`))
			}
			th, err := Options{Now: goldenNow}.Extract(gc.URL, content)
			if err != nil {
				t.Fatalf("with %v renamed the page is refused: %v", c.renamed, err)
			}
			if got := xMarshal(t, th); !bytes.Equal(got, want) {
				t.Errorf("with %v renamed the thread differs (- golden, + renamed):\n%s", c.renamed, xLineDiff(string(want), string(got)))
			}
		})
	}
}
