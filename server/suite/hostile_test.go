package suite

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"unspool/shared/protocol"
)

// Hostile clients: what a web page, a scanner or a flood can send to a
// public deployment, and what the server does about it. Each subtest runs
// against whichever runtime the suite is pointed at (native, or the Worker
// under wrangler dev); the ones that need the native process say so.
func TestHostileClients(t *testing.T) {
	t.Run("a JSON route refuses a body not typed application/json with 415 and changes nothing", func(t *testing.T) {
		a := createLib(t)
		before := snapshot(t, a)
		l := newLib()
		create := protocol.CreateLibraryRequest{LibraryID: l.ID, AuthKey: l.Key}
		push := map[string]any{"changes": []any{map[string]any{"id": newID(), "baseSeq": 0, "deleted": false, "blob": blob(16)}}}
		// What a cross-site page can send without a CORS preflight: text/plain,
		// a form, multipart, or no type at all.
		for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/jsonx"} {
			for _, r := range []request{
				{Method: "POST", Path: "/v1/libraries", Body: create},
				{Method: "POST", Path: changesPath(a), Key: a.Key, Body: push},
				{Method: "POST", Path: "/v1/libraries/" + a.ID + "/shares", Key: a.Key, Body: map[string]any{"thread": map[string]any{}}},
			} {
				r.Header = map[string]string{"Content-Type": ct}
				resp := sendOnce(t, r)
				if resp.Status != 415 || resp.errCode() != protocol.CodeUnsupportedMedia {
					t.Errorf("%s %s as %q: %d %s, want 415 %s", r.Method, r.Path, ct, resp.Status, resp.Body, protocol.CodeUnsupportedMedia)
				}
			}
		}
		if got := sendOnce(t, request{Method: "GET", Path: changesPath(l), Key: l.Key}); got.Status != 404 {
			t.Errorf("a library was created by a non-JSON request: pull answers %d", got.Status)
		}
		if after := snapshot(t, a); after != before {
			t.Errorf("a non-JSON push changed the library:\n%s\n%s", before, after)
		}
		// Typed as JSON (parameters allowed), the same request goes through.
		expect(t, send(t, request{Method: "POST", Path: "/v1/libraries", Body: create,
			Header: map[string]string{"Content-Type": "application/json; charset=utf-8"}}), 201, nil)
	})

	t.Run("wrong keys are limited per client address before any key is checked, whichever library they name", func(t *testing.T) {
		a, b := createLib(t), createLib(t)
		for attempt := 0; ; attempt++ {
			win := waitWindowStart()
			// The guesses spread over two libraries: the limit is the
			// address's, not a library's.
			for i := range testKeyGuessLimit {
				target := []lib{a, b}[i%2]
				expect(t, sendOnce(t, request{Method: "GET", Path: changesPath(target), Key: newID()}), 401, nil)
			}
			// Past the limit even the right key is refused, unchecked: a
			// right guess would look like every wrong one.
			right := sendOnce(t, request{Method: "GET", Path: changesPath(b), Key: b.Key})
			create := sendOnce(t, request{Method: "POST", Path: "/v1/libraries",
				Body: protocol.CreateLibraryRequest{LibraryID: a.ID, AuthKey: newID()}})
			if !inWindow(win) {
				if attempt < 2 {
					continue
				}
				t.Skipf("the server is too slow to make %d requests in %s", testKeyGuessLimit+2, testRateWindow)
			}
			secs := checkRetryAfter(t, right)
			expect(t, create, 429, nil)
			// The window over, the right key works again.
			time.Sleep(time.Duration(secs) * time.Second)
			expect(t, sendOnce(t, request{Method: "GET", Path: changesPath(b), Key: b.Key}), 200, nil)
			return
		}
	})

	t.Run("a share page says it is a user's unverified capture and links the original", func(t *testing.T) {
		a := createLib(t)
		th := thread25(t)
		page := getPage(t, publish(t, a, th, false, 201).URL, nil)
		body := string(page.Body)
		line := "Published by an Unspool user from a capture of <a href=" + th.URL
		i, j := strings.Index(body, line), strings.Index(body, "<article")
		if page.Status != 200 || i < 0 || j < i {
			t.Fatalf("page %d: no provenance line above the thread linking %s", page.Status, th.URL)
		}
		for _, want := range []string{"; not verified by X.", "See the original on X", `<meta name=robots content="noindex, nofollow">`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if page.Header.Get("X-Robots-Tag") != "noindex, nofollow" {
			t.Errorf("X-Robots-Tag %q", page.Header.Get("X-Robots-Tag"))
		}
	})

	t.Run("the operator takes a share page down: 410 in every format, gone from its library's list, other pages stay", func(t *testing.T) {
		a := createLib(t)
		th := thread25(t)
		bad := publish(t, a, th, false, 201)
		th.ID, th.URL = "1900000000000999999", "https://x.com/loom_weaver/status/1900000000000999999"
		for i := range th.Posts {
			th.Posts[i].ID, th.Posts[i].URL = fmt.Sprintf("19000000000009%05d", i), ""
		}
		kept := publish(t, a, th, false, 201)
		takeDown(t, baseURL+bad.URL+"?format=md")
		for _, q := range []string{"", "?format=md", "?format=json"} {
			r := getPage(t, bad.URL+q, nil)
			if r.Status != 410 || !strings.Contains(string(r.Body), "operator") || strings.Contains(string(r.Body), th.Author.Name) {
				t.Errorf("%s%s after the takedown: %d %.200s", bad.URL, q, r.Status, r.Body)
			}
		}
		if r := getPage(t, kept.URL, nil); r.Status != 200 {
			t.Errorf("another page of the library: %d", r.Status)
		}
		list := listShares(t, a)
		if len(list) != 1 || list[0].Slug != kept.Slug {
			t.Errorf("the library lists %+v, want only %s", list, kept.Slug)
		}
		expect(t, send(t, request{Method: "DELETE", Path: sharesPath(a) + "/" + bad.Slug, Key: a.Key}), 404, nil)
	})

	t.Run("a request path cannot forge a log line (native)", func(t *testing.T) {
		needNative(t)
		const forged = "2026/01/01 00:00:00.000000 POST /v1/libraries 201 0B forged"
		path := "/v1/x%0A" + strings.ReplaceAll(forged, " ", "%20") + "%0D%0A%1B[31m"
		sendOnce(t, request{Method: "GET", Path: path})
		time.Sleep(100 * time.Millisecond)
		logs := native.logs()
		for _, line := range bytes.Split(logs, []byte("\n")) {
			if bytes.HasPrefix(line, []byte("2026/01/01")) || bytes.ContainsAny(line, "\r\x1b") {
				t.Fatalf("a request path wrote a line of its own: %q", line)
			}
		}
		if !bytes.Contains(logs, []byte("/v1/x%0A2026")) {
			t.Errorf("the request is not in the log with its path escaped")
		}
	})

	t.Run("a client that opens a connection and sends nothing is cut off (native)", func(t *testing.T) {
		needNative(t)
		c, err := net.Dial("tcp", native.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("GET /v1/nothing HTTP/1.1\r\nHost: x\r\n")) // the headers never end
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		start := time.Now()
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatal("the server still held the connection after 20 s")
				}
				break
			}
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("cut off after %v, want the header timeout (10 s)", d)
		}
	})

	t.Run("connections beyond UNSPOOL_MAX_CONNS wait their turn (native)", func(t *testing.T) {
		needNative(t)
		TestEnv["UNSPOOL_MAX_CONNS"] = "3"
		srv, err := startNative(t.TempDir(), freeAddr(t))
		delete(TestEnv, "UNSPOOL_MAX_CONNS")
		if err != nil {
			t.Fatal(err)
		}
		defer srv.stop()
		var idle []net.Conn
		for range 3 { // connected, sending nothing: each holds a slot
			c, err := net.Dial("tcp", srv.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			idle = append(idle, c)
		}
		time.Sleep(200 * time.Millisecond)
		c, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("GET /v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
		buf := make([]byte, 64)
		c.SetReadDeadline(time.Now().Add(1500 * time.Millisecond))
		if n, err := c.Read(buf); err == nil {
			t.Fatalf("a fourth connection was served while three held every slot: %q", buf[:n])
		}
		idle[0].Close() // a slot frees: the waiting request is answered
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(buf)
		if err != nil || !bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 404")) {
			t.Fatalf("the waiting request after a slot freed: %q %v", buf[:n], err)
		}
	})
}
