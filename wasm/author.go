//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"syscall/js"

	"unspool/shared/extract"
)

func init() {
	// authorThreads(pageURL, bodies[, html]) → JSON of
	// extract.AuthorThreads: the author's self-threads among a profile
	// page's timeline responses (X UserTweets, Bluesky getAuthorFeed,
	// Mastodon account statuses) and, on X, its rendered cells (html: their
	// outerHTML), in page order. bodies is an array of response texts, or
	// that array as JSON text. The extension lists them; it never reads the
	// JSON or the cells itself.
	register("authorThreads", func(args []js.Value) (any, error) {
		const usage = "unspool.authorThreads(pageURL, bodies[, html]) takes a string, an array of strings (or its JSON) and a string"
		if len(args) < 2 || len(args) > 3 || args[0].Type() != js.TypeString {
			return nil, errors.New(usage)
		}
		page := extract.AuthorPage{}
		if len(args) == 3 {
			switch args[2].Type() {
			case js.TypeString:
				page.HTML = args[2].String()
			case js.TypeUndefined, js.TypeNull:
			default:
				return nil, errors.New(usage)
			}
		}
		var bodies []string
		switch args[1].Type() {
		case js.TypeString:
			if err := json.Unmarshal(bytesOf(args[1].String()), &bodies); err != nil {
				return nil, errors.New(usage + ": " + err.Error())
			}
		case js.TypeObject:
			holder := js.Global().Get("Object").New()
			holder.Set("bodies", args[1])
			var err error
			if bodies, err = stringsOf(holder, "bodies"); err != nil {
				return nil, errors.New(usage + ": " + err.Error())
			}
		default:
			return nil, errors.New(usage)
		}
		page.Bodies = bodies
		a, err := extract.ExtractAuthorPage(args[0].String(), page)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(a)
		return string(b), err
	})
	// mastodonAccountId(pageURL, lookupBody) → the account id of the
	// profile at pageURL, read from the server's answer to
	// /api/v1/accounts/lookup: what the statuses request takes.
	register("mastodonAccountId", func(args []js.Value) (any, error) {
		if err := stringArgs(args, 2, "mastodonAccountId", "pageURL, lookupBody"); err != nil {
			return nil, err
		}
		return extract.MastodonAccountID(args[0].String(), args[1].String())
	})
}
