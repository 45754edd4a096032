// Package config loads lurewatch's settings: one YAML file, then
// LUREWATCH_... environment variables, then --set key=value flags, then
// defaults and validation, with the key's name in every error.
//
// It knows nothing of the stages: each stage declares its own Config type
// with yaml tags and, where it needs them, Defaults() and Validate() methods;
// the binary assembles them into one struct and hands it to Load.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// EnvPrefix starts every environment variable that overrides a key:
// kafka.brokers is LUREWATCH_KAFKA_BROKERS.
const EnvPrefix = "LUREWATCH_"

// Defaulter fills unset fields with their defaults.
type Defaulter interface{ Defaults() }

// Validator reports the first setting that cannot work. Its error should
// start with the key's name relative to the struct ("partitions: ...");
// Load prefixes the path to the struct.
type Validator interface{ Validate() error }

// Error is a configuration error tied to a key and, when it came from the
// file, a line.
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads the YAML file at path (none if path is ""), applies the
// environment and the overrides ("key=value", as from --set flags), fills
// defaults and validates, into dst, which must be a pointer to a struct.
// It returns the LUREWATCH_ variables that name no key, for the caller to
// warn about.
func Load(path string, environ []string, overrides []string, dst any) (unknownEnv []string, err error) {
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		if err := Decode(path, data, dst); err != nil {
			return nil, err
		}
	}
	if unknownEnv, err = ApplyEnv(environ, dst); err != nil {
		return nil, err
	}
	for _, o := range overrides {
		key, value, ok := strings.Cut(o, "=")
		if !ok {
			return nil, &Error{Key: o, Msg: "an override is key=value"}
		}
		if err := Set(dst, key, value); err != nil {
			return nil, err
		}
	}
	if err := Finish(dst); err != nil {
		return nil, err
	}
	return unknownEnv, nil
}

// Decode parses YAML strictly into dst: an unknown key, a key set twice or a
// value of the wrong type is an error naming the file, the line and the
// key's full path.
func Decode(file string, data []byte, dst any) error {
	_, err := DecodeLines(file, data, dst)
	return err
}

// Lines maps the path of every key a file set ("list.items",
// "start_urls[0]") to its line, so that a check made after decoding can
// still point at the line.
type Lines map[string]int

// Of returns the line of key, or of its nearest parent that has one; 0 when
// none does.
func (l Lines) Of(key string) int {
	for k := key; k != ""; {
		if n, ok := l[k]; ok {
			return n
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// DecodeLines is Decode, also returning the line of every key set.
func DecodeLines(file string, data []byte, dst any) (Lines, error) {
	lines := Lines{}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return lines, nil // an empty file sets nothing
		}
		e := &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(e.Msg); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = m[2]
		}
		return nil, e
	}
	if len(doc.Content) == 0 {
		return lines, nil
	}
	if err := decodeNode(file, "", doc.Content[0], reflect.ValueOf(dst).Elem(), lines); err != nil {
		return nil, err
	}
	return lines, nil
}

func decodeNode(file, path string, n *yaml.Node, v reflect.Value, lines Lines) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if v.Kind() == reflect.Pointer {
		if n.Tag == "!!null" {
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.Struct && v.Type() != reflect.TypeOf(time.Time{}):
		if n.Kind != yaml.MappingNode {
			return &Error{File: file, Line: n.Line, Key: path, Msg: "expected a mapping of keys"}
		}
		fields := yamlFields(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := join(path, k.Value)
			idx, ok := fields[k.Value]
			if !ok {
				return &Error{File: file, Line: k.Line, Key: key, Msg: "unknown key" + suggest(k.Value, fields)}
			}
			if _, dup := lines[key]; dup {
				return &Error{File: file, Line: k.Line, Key: key, Msg: "is set twice"}
			}
			lines[key] = k.Line
			if err := decodeNode(file, key, val, v.Field(idx), lines); err != nil {
				return err
			}
		}
		return nil
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct:
		if n.Kind != yaml.SequenceNode {
			return &Error{File: file, Line: n.Line, Key: path, Msg: "expected a list"}
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			key := fmt.Sprintf("%s[%d]", path, i)
			lines[key] = item.Line
			if err := decodeNode(file, key, item, s.Index(i), lines); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case v.Kind() == reflect.Map && v.Type().Elem().Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return &Error{File: file, Line: n.Line, Key: path, Msg: "expected a mapping"}
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := join(path, k.Value)
			lines[key] = k.Line
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := decodeNode(file, key, val, elem, lines); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), elem)
		}
		v.Set(m)
		return nil
	}
	if v.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode {
		for i, item := range n.Content {
			lines[fmt.Sprintf("%s[%d]", path, i)] = item.Line
		}
	}
	target := reflect.New(v.Type())
	if err := n.Decode(target.Interface()); err != nil {
		return &Error{File: file, Line: n.Line, Key: path, Msg: typeMsg(n, v.Type())}
	}
	v.Set(target.Elem())
	return nil
}

func typeMsg(n *yaml.Node, t reflect.Type) string {
	want := t.Kind().String()
	switch {
	case t == reflect.TypeOf(time.Duration(0)):
		want = "a duration such as 30s, 15m or 6h"
	case t.Kind() == reflect.Slice:
		want = "a list"
	case t.Kind() == reflect.Map:
		want = "a mapping"
	case t.Kind() == reflect.Bool:
		want = "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		want = "a whole number"
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		want = "a number"
	}
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q is not %s", n.Value, want)
	}
	return "expected " + want
}

// yamlFields maps a struct's YAML keys to field indexes.
func yamlFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := yamlName(f)
		if name == "-" {
			continue
		}
		out[name] = i
	}
	return out
}

func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func suggest(key string, fields map[string]int) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	best, bestD := "", 3
	for _, n := range names {
		if d := distance(key, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (known keys: " + strings.Join(names, ", ") + ")"
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
