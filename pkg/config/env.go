package config

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ApplyEnv sets every key named by a LUREWATCH_ variable in environ
// ("LUREWATCH_KAFKA_BROKERS=a:9092,b:9092" sets kafka.brokers). Variables
// with the prefix that name no key are returned, not refused: secrets may
// live in variables of that prefix too.
func ApplyEnv(environ []string, dst any) (unknown []string, err error) {
	byEnv := map[string]string{}
	for _, k := range Keys(dst) {
		byEnv[EnvName(k)] = k
	}
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		key, ok := byEnv[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		if err := Set(dst, key, value); err != nil {
			return nil, fmt.Errorf("environment variable %s: %w", name, err)
		}
	}
	sort.Strings(unknown)
	return unknown, nil
}

// EnvName is the environment variable that overrides key.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// Keys lists the keys that Set and the environment can change: every
// scalar and list of scalars, by its dotted path.
func Keys(dst any) []string {
	var keys []string
	var walk func(path string, t reflect.Type)
	walk = func(path string, t reflect.Type) {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct && t != reflect.TypeOf(time.Time{}) {
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if name := yamlName(f); f.IsExported() && name != "-" {
					walk(join(path, name), f.Type)
				}
			}
			return
		}
		if scalar(t) || (t.Kind() == reflect.Slice && scalar(t.Elem())) {
			keys = append(keys, path)
		}
	}
	walk("", reflect.TypeOf(dst))
	return keys
}

func scalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// Set parses value into the key at the dotted path, as a --set flag or an
// environment variable does. Lists are written comma-separated.
func Set(dst any, key, value string) error {
	v := reflect.ValueOf(dst).Elem()
	for _, part := range strings.Split(key, ".") {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return &Error{Key: key, Msg: "unknown key"}
		}
		idx, ok := yamlFields(v.Type())[part]
		if !ok {
			return &Error{Key: key, Msg: "unknown key" + suggest(part, yamlFields(v.Type()))}
		}
		v = v.Field(idx)
	}
	if v.Kind() == reflect.Slice && scalar(v.Type().Elem()) {
		var parts []string
		for _, p := range strings.Split(value, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		s := reflect.MakeSlice(v.Type(), len(parts), len(parts))
		for i, p := range parts {
			if err := setScalar(s.Index(i), p); err != nil {
				return &Error{Key: key, Msg: err.Error()}
			}
		}
		v.Set(s)
		return nil
	}
	if !scalar(v.Type()) {
		return &Error{Key: key, Msg: "is a section, not a value; set one of its keys"}
	}
	if err := setScalar(v, value); err != nil {
		return &Error{Key: key, Msg: err.Error()}
	}
	return nil
}

func setScalar(v reflect.Value, s string) error {
	switch {
	case v.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 30s, 15m or 6h", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case v.CanInt():
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(n)
	case v.CanUint():
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v.OverflowUint(n) {
			return fmt.Errorf("%q is not a whole number of 0 or more", s)
		}
		v.SetUint(n)
	case v.CanFloat():
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("cannot set a %s", v.Type())
	}
	return nil
}

// Finish fills defaults and validates every part of dst that can: each
// struct (dst included) with a Defaults method has it called, parents before
// children; then each with a Validate method is checked, and its error is
// given its key's path.
func Finish(dst any) error {
	each(reflect.ValueOf(dst), "", func(_ string, v reflect.Value) error {
		if d, ok := v.Addr().Interface().(Defaulter); ok {
			d.Defaults()
		}
		return nil
	})
	return each(reflect.ValueOf(dst), "", func(path string, v reflect.Value) error {
		if val, ok := v.Addr().Interface().(Validator); ok {
			if err := val.Validate(); err != nil {
				if path == "" {
					return err
				}
				return &Error{Key: path, Msg: err.Error()}
			}
		}
		return nil
	})
}

// each calls fn on every addressable struct reachable from v through
// fields, list items and map values, parents first.
func each(v reflect.Value, path string, fn func(string, reflect.Value) error) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) || !v.CanAddr() {
			return nil
		}
		if err := fn(path, v); err != nil {
			return err
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() || yamlName(f) == "-" {
				continue
			}
			if err := each(v.Field(i), join(path, yamlName(f)), fn); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if err := each(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fn); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			// Map values are not addressable: copy, visit, store back.
			elem := reflect.New(v.Type().Elem()).Elem()
			elem.Set(v.MapIndex(k))
			if err := each(elem, join(path, fmt.Sprint(k)), fn); err != nil {
				return err
			}
			v.SetMapIndex(k, elem)
		}
	}
	return nil
}
