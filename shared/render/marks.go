package render

import (
	"time"

	"unspool/shared/thread"
)

// postMarks says what a library's "keep current" learnt of p at its source
// (thread.Follow): whether it is new since newSince (zero: no post is), and
// the sentences the reader shows above it for an edit or a removal.
func postMarks(p *thread.Post, newSince time.Time) (isNew bool, marks []string) {
	isNew = !newSince.IsZero() && !p.AddedAt.IsZero() && p.AddedAt.After(newSince)
	if isNew {
		marks = append(marks, "New since you read.")
	}
	if !p.EditedAt.IsZero() {
		marks = append(marks, "Edited at the source"+onDate(p.EditedAt)+"; this is its latest text.")
	}
	if !p.RemovedAt.IsZero() {
		marks = append(marks, "Removed at the source"+onDate(p.RemovedAt)+"; your library keeps it.")
	}
	return isNew, marks
}

func onDate(t time.Time) string {
	if d := newStamp(t, dateLayout).Text; d != "" {
		return " on " + d
	}
	return ""
}
