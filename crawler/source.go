package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Source describes one place to crawl.
type Source struct {
	Name string `yaml:"name"`
	// Kind is the kind of source: html.
	Kind string `yaml:"kind"`
	// Platform is recorded on every ad: jobboard, telegram, facebook, ...
	Platform  string   `yaml:"platform"`
	StartURLs []string `yaml:"start_urls"`
	// Interval is the time between two crawls of the source.
	Interval time.Duration `yaml:"interval"`
	// Lang is the language hint given to its ads.
	Lang string `yaml:"lang"`
	// AllowPrivate lets the source reach loopback and private addresses:
	// for the demo and tests only.
	AllowPrivate bool     `yaml:"allow_private"`
	List         ListSpec `yaml:"list"`
	Item         ItemSpec `yaml:"item"`
}

// ListSpec finds the ads on a list page: either links to item pages, or the
// items themselves when the whole ad is on the list page.
type ListSpec struct {
	// ItemLinks selects links to item pages.
	ItemLinks string `yaml:"item_links"`
	// Items selects ads written out on the list page itself.
	Items string `yaml:"items"`
	// NextPage selects the link to the next list page.
	NextPage string `yaml:"next_page"`
	MaxPages int    `yaml:"max_pages"`
}

// ItemSpec holds the CSS selectors of an ad's fields, relative to the item
// page or the list item.
type ItemSpec struct {
	// ID selects the element holding the source's own id of the ad, and
	// IDAttr the attribute holding it (its text when empty). IDAttr alone
	// reads the attribute of the item element itself.
	ID       string `yaml:"id"`
	IDAttr   string `yaml:"id_attr"`
	Title    string `yaml:"title"`
	Body     string `yaml:"body"`
	Company  string `yaml:"company"`
	Location string `yaml:"location"`
	Salary   string `yaml:"salary"`
	Posted   string `yaml:"posted"`
	Contact  string `yaml:"contact"`
	Author   string `yaml:"author"`
}

// ParseSource reads one source file's YAML strictly; file names it in
// errors.
func ParseSource(file string, data []byte) (*Source, error) {
	var s Source
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("source %s: %w", file, err)
	}
	if s.Interval == 0 {
		s.Interval = time.Hour
	}
	if s.List.MaxPages == 0 {
		s.List.MaxPages = 20
	}
	if s.Kind == "" {
		s.Kind = "html"
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("source %s: %w", file, err)
	}
	return &s, nil
}

func (s *Source) validate() error {
	switch {
	case s.Name == "":
		return errors.New("name: is required")
	case s.Kind != "html":
		return fmt.Errorf("kind: %q is not a known kind (html)", s.Kind)
	case len(s.StartURLs) == 0:
		return errors.New("start_urls: at least one is required")
	case s.List.ItemLinks == "" && s.List.Items == "":
		return errors.New("list: set item_links or items")
	case s.Item.Title == "" && s.Item.Body == "":
		return errors.New("item: set at least title or body")
	case s.Interval < time.Second:
		return errors.New("interval: must be at least 1s")
	}
	for i, u := range s.StartURLs {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return fmt.Errorf("start_urls[%d]: %q is not an http(s) URL", i, u)
		}
	}
	return nil
}

// LoadSources reads every *.yaml file in dir, sorted by name. Two sources
// with one name are an error.
func LoadSources(dir string) ([]*Source, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*Source
	names := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s, err := ParseSource(f, data)
		if err != nil {
			return nil, err
		}
		if prev, dup := names[s.Name]; dup {
			return nil, fmt.Errorf("source %s: name %q is already used by %s", f, s.Name, prev)
		}
		names[s.Name] = f
		out = append(out, s)
	}
	return out, nil
}
