package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// keepRecord is the one way the workshop keeps a file that a command
// writes and a check holds to: with update it writes text into file,
// only when the file says otherwise, and reports whether it did; without,
// it changes nothing and a file that is missing or says otherwise is
// stale, the error naming the command that rewrites it.
func keepRecord(file, text string, update bool, rewrite string) (changed bool, err error) {
	recorded, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if err == nil && string(recorded) == text {
		return false, nil
	}
	if !update {
		return false, fmt.Errorf("%s is stale: %s rewrites it", file, rewrite)
	}
	if err := os.WriteFile(file, []byte(text), 0o666); err != nil {
		return false, err
	}
	return true, nil
}
