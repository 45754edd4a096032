package ad

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Encode returns the JSON form of a raw ad.
func (r *Raw) Encode() ([]byte, error) {
	if r.SchemaVersion == 0 {
		r.SchemaVersion = SchemaVersion
	}
	return json.Marshal(r)
}

// Encode returns the JSON form of a flagged ad.
func (f *Flagged) Encode() ([]byte, error) {
	if f.SchemaVersion == 0 {
		f.SchemaVersion = SchemaVersion
	}
	return json.Marshal(f)
}

// DecodeRaw parses and validates a raw ad. header is the value of the
// HeaderSchemaVersion header, or "" when the message had none; the version
// in the body is used then.
func DecodeRaw(data []byte, header string) (*Raw, error) {
	var r Raw
	if err := decode(data, header, &r, &r.SchemaVersion); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// DecodeFlagged parses and validates a flagged ad, as DecodeRaw does.
func DecodeFlagged(data []byte, header string) (*Flagged, error) {
	var f Flagged
	if err := decode(data, header, &f, &f.SchemaVersion); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

func decode(data []byte, header string, v any, version *int) error {
	if err := json.Unmarshal(data, v); err != nil {
		return &invalid{errs: []error{fmt.Errorf("not an ad in JSON: %w", err)}}
	}
	if header == "" {
		return nil
	}
	hv, err := strconv.Atoi(header)
	if err != nil {
		return &invalid{errs: []error{&FieldError{Field: "header " + HeaderSchemaVersion, Reason: "not a number: " + quote(header)}}}
	}
	if *version != 0 && *version != hv {
		return &invalid{errs: []error{&FieldError{Field: "schema_version", Reason: fmt.Sprintf("body says %d but header says %d", *version, hv)}}}
	}
	*version = hv
	return nil
}
