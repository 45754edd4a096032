package index

import "github.com/blevesearch/bleve/v2"

// WithStandardMapping opens the index under Bleve's default mapping, as a
// mapping from before the current one would be.
func WithStandardMapping() Option { return withMapping(bleve.NewIndexMapping()) }
