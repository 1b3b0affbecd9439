package search

// RaceEnabled tells the package's external tests whether the race
// detector runs them.
const RaceEnabled = raceEnabled
