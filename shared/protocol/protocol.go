// Package protocol is the sync wire format between the extension and the
// server (/v1, JSON): what each request and response carries, the limits both
// sides enforce, and the error shape. It holds no behaviour beyond checking
// those limits, so the server (native and Workers) and every client agree by
// importing it.
//
// Routes (all JSON; authenticated ones carry "Authorization: Bearer <authKey>"):
//
//	POST   /v1/libraries                       CreateLibraryRequest → CreateLibraryResponse (idempotent)
//	GET    /v1/libraries/{lib}/changes?since=&limit=   → PullResponse
//	POST   /v1/libraries/{lib}/changes         PushRequest → PushResponse
//	DELETE /v1/libraries/{lib}                 → 204, the library and every record gone
//
// Records are opaque to the server: Blob is ciphertext, ID an HMAC.
package protocol

// Record is one saved thread as the server stores it.
type Record struct {
	// ID is base64url(HMAC(thread canonical id)), 43 characters.
	ID string `json:"id"`
	// Seq is the library-wide sequence number of the record's last change;
	// pulls return records with Seq > cursor in Seq order.
	Seq     int64 `json:"seq"`
	Deleted bool  `json:"deleted"`
	// Blob is the AEAD-sealed record, standard base64. Tombstones keep a
	// (small) blob too: the merge needs the delete's clock.
	Blob string `json:"blob"`
}

// CreateLibraryRequest registers a library. Sending it again with the same
// key is a no-op; another key for the same LibraryID is refused (401).
type CreateLibraryRequest struct {
	LibraryID string `json:"libraryId"` // base64url, 43 characters
	AuthKey   string `json:"authKey"`   // base64url, 43 characters; the server keeps only its SHA-256
	// CreateToken is the operator's creation token of a private server
	// (UNSPOOL_CREATE_TOKEN): without the right one such a server refuses
	// to create libraries (403). Sent only when the person entered one, so
	// servers that know no such field keep accepting the request.
	CreateToken string `json:"createToken,omitempty"`
}

type CreateLibraryResponse struct {
	LibraryID string `json:"libraryId"`
	Created   bool   `json:"created"`
}

// PullResponse is one page of changes after a cursor.
type PullResponse struct {
	Changes []Record `json:"changes"`
	// Cursor is opaque to clients: send it back as ?since= to continue.
	Cursor string `json:"cursor"`
	More   bool   `json:"more"`
}

// Change is one write a client pushes.
type Change struct {
	ID string `json:"id"`
	// BaseSeq is the Seq of the record the client's change was merged onto;
	// 0 when the client believes the record is new. The server applies the
	// change only if the stored Seq still equals BaseSeq.
	BaseSeq int64  `json:"baseSeq"`
	Deleted bool   `json:"deleted"`
	Blob    string `json:"blob"`
}

type PushRequest struct {
	Changes []Change `json:"changes"`
}

// Result statuses of a pushed change.
const (
	Applied  = "applied"
	Conflict = "conflict"
)

// PushResult answers one Change, in request order.
type PushResult struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// Seq is the record's new Seq when applied.
	Seq int64 `json:"seq,omitempty"`
	// Current is the stored record when the change conflicted: the client
	// merges it with its own change and pushes again with BaseSeq = Current.Seq.
	Current *Record `json:"current,omitempty"`
}

type PushResponse struct {
	Results []PushResult `json:"results"`
}

// ErrorResponse is the body of every non-2xx answer.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error codes and the HTTP status each one is sent with.
const (
	CodeBadRequest    = "bad_request"    // 400: malformed JSON, wrong types, bad ids
	CodeUnauthorized  = "unauthorized"   // 401: missing, wrong or foreign auth key
	CodeNotFound      = "not_found"      // 404: unknown route or library
	CodeConflict      = "conflict"       // 409: the request as a whole conflicts
	CodeTooLarge      = "too_large"      // 413: body, record, batch or quota too big
	CodeRateLimited   = "rate_limited"   // 429: slow down (Retry-After set)
	CodeInternal      = "internal"       // 500
	CodeUnavailable   = "unavailable"    // 503: the library's storage is down for now (Retry-After set)
	CodeMethodInvalid = "method_invalid" // 405
	// 403: this server creates libraries only with its operator's
	// creation token, and the request had none or another.
	CodeForbidden = "forbidden"
	// 507: the deployment's storage budget is spent: new writes are
	// refused (reads and deletes go on) until the operator makes room.
	CodeInsufficientStorage = "insufficient_storage"
	// 415: a JSON route's body was not typed application/json (so a web
	// page cannot send it as a "simple" cross-site request, unpreflighted).
	CodeUnsupportedMedia = "unsupported_media_type"
)

// Status maps an error code to its HTTP status.
var Status = map[string]int{
	CodeBadRequest:          400,
	CodeUnauthorized:        401,
	CodeForbidden:           403,
	CodeNotFound:            404,
	CodeMethodInvalid:       405,
	CodeConflict:            409,
	CodeTooLarge:            413,
	CodeUnsupportedMedia:    415,
	CodeRateLimited:         429,
	CodeInternal:            500,
	CodeUnavailable:         503,
	CodeInsufficientStorage: 507,
}

// Limits both sides enforce. A client splits its outbox to stay within them.
const (
	MaxRecordBlobBytes = 1 << 20 // a 2,000-post thread with its text is well under 1 MB sealed
	MaxRequestBytes    = 4 << 20
	MaxBatchChanges    = 100
	MaxPullLimit       = 500
	DefaultPullLimit   = 200
	MaxLibraryRecords  = 50_000
	MaxLibraryBytes    = 512 << 20
	IDLength           = 43 // base64url of 32 bytes, unpadded
)
