//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	usync "unspool/shared/sync"
)

// The sync functions: each takes strings and returns a string (JSON where
// the answer is structured), a thin shell over shared/sync's API*.
func init() {
	str0 := func(name string, fn func() (string, error)) {
		register(name, func(args []js.Value) (any, error) {
			if len(args) != 0 {
				return nil, fmt.Errorf("unspool.%s() takes no arguments", name)
			}
			return fn()
		})
	}
	str1 := func(name, usage string, fn func(string) (string, error)) {
		register(name, func(args []js.Value) (any, error) {
			if err := stringArgs(args, 1, name, usage); err != nil {
				return nil, err
			}
			return fn(args[0].String())
		})
	}
	str2 := func(name, usage string, fn func(a, b string) (string, error)) {
		register(name, func(args []js.Value) (any, error) {
			if err := stringArgs(args, 2, name, usage); err != nil {
				return nil, err
			}
			return fn(args[0].String(), args[1].String())
		})
	}
	str0("syncNewSecret", usync.APINewSecret)
	str0("syncNewDeviceId", usync.NewDeviceID)
	str1("syncKeys", "codeOrSecret", usync.APIKeys)
	str1("syncMaxClock", "savedThreadJSON", usync.APIMaxClock)
	str2("syncRecordId", "secret, canonicalId", usync.APIRecordID)
	str2("syncSeal", "secret, savedThreadJSON", usync.APISeal)
	str2("syncOpen", "secret, recordJSON", usync.APIOpen)
	str2("syncMerge", "aJSON, bJSON", usync.APIMerge)
	str2("syncEdit", "savedThreadJSON, editJSON", usync.APIEdit)
	str2("syncRefresh", "savedThreadJSON, followJSON", usync.APIRefresh)
	str1("syncNewPosts", "savedThreadJSON", usync.APINewPosts)
	str1("syncMoved", "savedThreadJSON", usync.APIMoved)
	// syncClockNext(last, deviceId, nowMs): nowMs is a number (Date.now()).
	register("syncClockNext", func(args []js.Value) (any, error) {
		if len(args) != 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString || args[2].Type() != js.TypeNumber {
			return nil, fmt.Errorf("unspool.syncClockNext(last, deviceId, nowMs) takes two strings and a number")
		}
		return usync.APIClockNext(args[0].String(), args[1].String(), int64(args[2].Float()))
	})
}
