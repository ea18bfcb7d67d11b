package extract

// Cards in X's GraphQL: a card is a name ("summary", "summary_large_image",
// "poll4choice_text_only", "unified_card") and a list of key/value bindings.

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"unspool/shared/thread"
)

var (
	// xPollCardRe matches poll card names (poll2choice_text_only, poll4choice_image…).
	xPollCardRe = regexp.MustCompile(`^poll([2-4])choice`)
	// xCardImageKeys are the image bindings of summary cards, best first.
	xCardImageKeys = []string{"photo_image_full_size_original", "summary_photo_image_original", "thumbnail_image_original",
		"photo_image_full_size_large", "summary_photo_image_large", "thumbnail_image_large", "thumbnail_image"}
)

// xGraphQLCard returns the link card or the poll a card is.
func xGraphQLCard(c *gqlCard) (*thread.Card, *thread.Poll) {
	str := map[string]string{}
	img := map[string]string{}
	final := false
	for _, b := range c.BindingValues {
		if b.ImageURL != nil {
			img[b.Key] = *b.ImageURL
		}
		if b.StringValue != "" {
			str[b.Key] = b.StringValue
		}
		if b.Key == "counts_are_final" {
			final = b.BooleanValue
		}
	}
	name := c.Name
	if i := strings.LastIndex(name, ":"); i >= 0 {
		name = name[i+1:] // promoted cards are named "<id>:summary"
	}
	if m := xPollCardRe.FindStringSubmatch(name); m != nil {
		n, _ := strconv.Atoi(m[1])
		poll := &thread.Poll{Closed: final}
		for i := 1; i <= n; i++ {
			label := str["choice"+strconv.Itoa(i)+"_label"]
			if label == "" {
				continue
			}
			votes := -1
			if v, err := strconv.Atoi(str["choice"+strconv.Itoa(i)+"_count"]); err == nil {
				votes = v
			}
			poll.Options = append(poll.Options, thread.PollOption{Label: label, Votes: votes})
		}
		if t, err := time.Parse(time.RFC3339, str["end_datetime_utc"]); err == nil {
			t = t.UTC()
			poll.EndsAt = &t
		}
		if len(poll.Options) == 0 {
			return nil, nil
		}
		return nil, poll
	}
	if name == "unified_card" {
		return xUnifiedCard(str["unified_card"]), nil
	}
	card := &thread.Card{
		URL:         thread.SafeURL(str["card_url"]),
		Title:       str["title"],
		Description: str["description"],
		Domain:      strings.ToLower(str["vanity_url"]),
	}
	if card.Domain == "" {
		card.Domain = strings.ToLower(str["domain"])
	}
	for _, k := range xCardImageKeys {
		if u := thread.SafeURL(img[k]); u != "" {
			card.Image = u
			break
		}
	}
	if card.URL == "" && card.Title == "" {
		return nil, nil
	}
	return card, nil
}

// unified_card's value is itself JSON: components (details: title and
// subtitle; media: an image or video), and destinations with the real URL.
type xUnified struct {
	ComponentObjects map[string]struct {
		Type string `json:"type"`
		Data struct {
			Title struct {
				Content string `json:"content"`
			} `json:"title"`
			Subtitle struct {
				Content string `json:"content"`
			} `json:"subtitle"`
			Destination string `json:"destination"`
			ID          string `json:"id"`
		} `json:"data"`
	} `json:"component_objects"`
	DestinationObjects map[string]struct {
		Data struct {
			URLData struct {
				URL    string `json:"url"`
				Vanity string `json:"vanity"`
			} `json:"url_data"`
		} `json:"data"`
	} `json:"destination_objects"`
	MediaEntities map[string]struct {
		MediaURL string `json:"media_url_https"`
	} `json:"media_entities"`
	Components []string `json:"components"`
}

func xUnifiedCard(s string) *thread.Card {
	var u xUnified
	if s == "" || json.Unmarshal([]byte(s), &u) != nil {
		return nil
	}
	card := &thread.Card{}
	// Components in display order first, then any others sorted by key, so
	// that the card read is the same on every run.
	keys := append([]string(nil), u.Components...)
	var rest []string
	for k := range u.ComponentObjects {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	keys = append(keys, rest...)
	for _, k := range keys {
		c, ok := u.ComponentObjects[k]
		if !ok {
			continue
		}
		switch c.Type {
		case "details":
			if card.Title == "" {
				card.Title = c.Data.Title.Content
				card.Description = c.Data.Subtitle.Content
				if d, ok := u.DestinationObjects[c.Data.Destination]; ok {
					card.URL = thread.SafeURL(d.Data.URLData.URL)
					card.Domain = strings.ToLower(d.Data.URLData.Vanity)
				}
			}
		case "media", "swipeable_media":
			if card.Image == "" {
				if m, ok := u.MediaEntities[c.Data.ID]; ok {
					card.Image = thread.SafeURL(m.MediaURL)
				}
			}
		}
	}
	if card.Domain == "" {
		card.Domain = thread.Domain(card.URL)
	}
	if card.Description == card.Domain {
		card.Description = ""
	}
	if card.URL == "" && card.Title == "" {
		return nil
	}
	return card
}
