package stats

import "strings"

// crawlerMarks are words of the user agents of robots: search engines,
// link previews of messengers and social networks, monitors, scripts and
// headless browsers. A user agent naming one, in any case, is a robot's.
var crawlerMarks = []string{"bot/", "bot-", "bot;", "bot)", "robot", "crawl", "spider", "slurp", "mediapartners", "facebookexternalhit", "facebookcatalog",
	"googleother", "google-inspectiontool", "feedfetcher", "google-read-aloud", "externalagent", "externalfetcher",
	"whatsapp", "telegram", "mastodon", "http.rb", "iframely", "discord", "skypeuripreview", "embedly", "preview", "pinterest", "yandex", "baidu", "duckduck",
	"curl", "wget", "python", "go-http-client", "java/", "okhttp", "axios", "node-fetch", "libwww", "httpclient", "scrapy",
	"headless", "phantomjs", "lighthouse", "pingdom", "uptime", "monitor", "check_http"}

// IsCrawler tells whether a user agent is a robot's (an empty one is).
func IsCrawler(userAgent string) bool {
	if strings.TrimSpace(userAgent) == "" {
		return true
	}
	ua := strings.ToLower(userAgent)
	for _, mark := range crawlerMarks {
		if strings.Contains(ua, mark) {
			return true
		}
	}
	return false
}
