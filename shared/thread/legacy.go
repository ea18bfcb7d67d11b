package thread

// MisskeySource is the Source of threads read through Misskey's own API
// (shared/extract misskey.go).
const MisskeySource = "misskey-api"

// Renamed is a platform an earlier Unspool gave the threads of one source
// (Platform, Source) that have another platform now (Now).
type Renamed struct {
	Platform Platform `json:"platform"`
	Source   string   `json:"source"`
	Now      Platform `json:"now"`
}

// RenamedPlatforms are every such change: Misskey notes read through
// Misskey's API were platform Mastodon until Misskey had its own. The
// extension reads the list (shared/jsgen) to find, among many records, the
// few whose key may have to move, without asking the WASM of each.
var RenamedPlatforms = []Renamed{{Platform: Mastodon, Source: MisskeySource, Now: Misskey}}

// CurrentPlatform is the platform t has now, for a thread saved by an
// earlier Unspool under another one (RenamedPlatforms). A thread read
// today has its own platform.
func CurrentPlatform(t *Thread) Platform {
	for _, r := range RenamedPlatforms {
		if t.Platform == r.Platform && t.Source == r.Source {
			return r.Now
		}
	}
	return t.Platform
}
