package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Feed carries the ids of changed ads between processes. Delivery is best
// effort: a message lost while a process is cut off is repaired by its
// catch-up.
type Feed interface {
	// Publish announces that the ads changed; no ids means many ads
	// changed at once.
	Publish(ctx context.Context, ids []uint64) error
	// Subscribe returns the changes other processes announce, until ctx
	// ends.
	Subscribe(ctx context.Context) <-chan []uint64
}

// RedisFeed is a Feed on a Redis pub/sub channel. Each message is the
// publishing process's id, a space, and the ads' ids separated by commas;
// a process ignores its own messages (it applied its changes already).
type RedisFeed struct {
	rdb     *redis.Client
	channel string
	origin  string
}

// NewRedisFeed returns the feed on the channel PREFIX:ads:changed.
func NewRedisFeed(rdb *redis.Client, prefix string) *RedisFeed {
	b := make([]byte, 8)
	rand.Read(b)
	return &RedisFeed{rdb: rdb, channel: prefix + ":ads:changed", origin: hex.EncodeToString(b)}
}

// maxFeedIDs is the most ids one message carries; more are announced as a
// change of many ads.
const maxFeedIDs = 1000

// Publish implements Feed.
func (f *RedisFeed) Publish(ctx context.Context, ids []uint64) error {
	var b strings.Builder
	b.WriteString(f.origin + " ")
	if len(ids) <= maxFeedIDs {
		for i, id := range ids {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatUint(id, 10))
		}
	}
	if err := f.rdb.Publish(ctx, f.channel, b.String()).Err(); err != nil {
		return fmt.Errorf("announce changed ads: %w", err)
	}
	return nil
}

// Subscribe implements Feed. The subscription survives Redis restarts (the
// client subscribes again); what was published meanwhile is lost.
func (f *RedisFeed) Subscribe(ctx context.Context) <-chan []uint64 {
	out := make(chan []uint64, 64)
	sub := f.rdb.Subscribe(ctx, f.channel)
	go func() {
		defer close(out)
		defer sub.Close()
		msgs := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				origin, list, _ := strings.Cut(m.Payload, " ")
				if origin == f.origin {
					continue
				}
				ids, err := parseIDs(list)
				if err != nil {
					slog.Warn("change feed: bad message", "err", err)
					continue
				}
				select {
				case out <- ids:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func parseIDs(list string) ([]uint64, error) {
	if list == "" {
		return nil, nil
	}
	parts := strings.Split(list, ",")
	ids := make([]uint64, len(parts))
	for i, p := range parts {
		id, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("id %q: %w", p, err)
		}
		ids[i] = id
	}
	return ids, nil
}
