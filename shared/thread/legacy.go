package thread

// MisskeySource is the Source of threads read through Misskey's own API
// (shared/extract misskey.go).
const MisskeySource = "misskey-api"

// CurrentPlatform is the platform t has now, for a thread saved by an
// earlier Unspool under another one: Misskey notes read through Misskey's
// API were platform Mastodon until Misskey had its own. A thread read
// today has its own platform.
func CurrentPlatform(t *Thread) Platform {
	if t.Platform == Mastodon && t.Source == MisskeySource {
		return Misskey
	}
	return t.Platform
}
