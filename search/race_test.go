//go:build race

package search

// raceEnabled is set when the race detector runs the tests: they then take
// a few rounds instead of all (SQLite, pure Go, runs about 25 times slower
// under it); .ci/run also runs the property tests without it.
const raceEnabled = true
