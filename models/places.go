package models

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// State is a Brazilian federative unit (states).
type State struct {
	ID      uint16 `gorm:"primaryKey"`
	Name    string `gorm:"column:state"`
	Acronym string
}

// TableName maps State to the original's table.
func (State) TableName() string { return "states" }

// stateArticles are the articles states' names take ("no Acre", "na
// Bahia"); the others take none ("em São Paulo").
var stateArticles = map[string]string{
	"AC": "o", "AP": "o", "AM": "o", "CE": "o", "DF": "o", "ES": "o", "MA": "o", "PA": "o", "PR": "o",
	"PI": "o", "RJ": "o", "RN": "o", "RS": "o", "TO": "o", "BA": "a", "PB": "a",
}

// In names the state after "em", contracted as Portuguese says it: "no
// Acre", "na Bahia", "em São Paulo".
func (s State) In() string { return s.after("em", "n") }

// Of names the state after "de", contracted: "do Acre", "da Bahia", "de
// São Paulo".
func (s State) Of() string { return s.after("de", "d") }

// after writes the state's name after a preposition, contracted with its
// article (contracted + "o", "a") when it takes one.
func (s State) after(preposition, contracted string) string {
	if article := stateArticles[s.Acronym]; article != "" {
		return contracted + article + " " + s.Name
	}
	return preposition + " " + s.Name
}

// City is a municipality (cities).
type City struct {
	ID      uint32 `gorm:"primaryKey"`
	Name    string `gorm:"column:city"`
	StateID uint16
}

// TableName maps City to the original's table.
func (City) TableName() string { return "cities" }

// Places is an in-memory, read-only copy of the states and cities.
type Places struct {
	States  []State // sorted by name
	byUF    map[string]State
	byID    map[uint16]State
	cities  map[uint32]City
	byState map[uint16][]City
}

// LoadPlaces reads every state and city.
func LoadPlaces(ctx context.Context, db *DB) (*Places, error) {
	var states []State
	var cities []City
	if err := db.WithContext(ctx).Find(&states).Error; err != nil {
		return nil, fmt.Errorf("load states: %w", err)
	}
	if err := db.WithContext(ctx).Find(&cities).Error; err != nil {
		return nil, fmt.Errorf("load cities: %w", err)
	}
	col := newCollator()
	sort.SliceStable(states, func(i, j int) bool { return col.less(states[i].Name, states[j].Name) })
	sort.SliceStable(cities, func(i, j int) bool { return col.less(cities[i].Name, cities[j].Name) })
	p := &Places{
		States:  states,
		byUF:    make(map[string]State, len(states)),
		byID:    make(map[uint16]State, len(states)),
		cities:  make(map[uint32]City, len(cities)),
		byState: make(map[uint16][]City, len(states)),
	}
	for _, s := range states {
		p.byUF[s.Acronym] = s
		p.byID[s.ID] = s
	}
	for _, c := range cities {
		p.cities[c.ID] = c
		p.byState[c.StateID] = append(p.byState[c.StateID], c)
	}
	return p, nil
}

// StateByUF returns the state with the acronym (any case).
func (p *Places) StateByUF(uf string) (State, bool) {
	s, ok := p.byUF[strings.ToUpper(strings.TrimSpace(uf))]
	return s, ok
}

// State returns the state with the id.
func (p *Places) State(id uint16) (State, bool) { s, ok := p.byID[id]; return s, ok }

// City returns the city with the id.
func (p *Places) City(id uint32) (City, bool) { c, ok := p.cities[id]; return c, ok }

// Cities returns the state's cities, sorted by name.
func (p *Places) Cities(stateID uint16) []City { return p.byState[stateID] }
