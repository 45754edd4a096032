package web

import (
	"fmt"
	"time"
)

// Config holds the web UI and API's settings, under the web key. Secrets
// never live here: it names the files and environment variables that hold
// them.
type Config struct {
	// UsersFile holds one user a line as name:bcrypt-hash, the form
	// `htpasswd -nB name` prints. Lines starting with # are comments.
	UsersFile string `yaml:"users_file"`
	// UsersEnv names an environment variable holding users in the same
	// form, one a line or separated by commas.
	UsersEnv string `yaml:"users_env"`
	// TokensFile holds one API token a line as name:sha256:hex, the SHA-256
	// of the token (`printf %s "$TOKEN" | sha256sum`).
	TokensFile string `yaml:"tokens_file"`
	// TokensEnv names an environment variable holding tokens in that form.
	TokensEnv string `yaml:"tokens_env"`
	// TokenFile is where, when no user or token is configured, the API
	// token generated at start is written (mode 0600) for `lurewatch
	// search` to read. Empty means <data_dir>/api-token.
	TokenFile string `yaml:"token_file"`
	// AuditLog is the file that records who searched and read what, one
	// JSON object a line. Empty means <data_dir>/audit.log.
	AuditLog string `yaml:"audit_log"`
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration `yaml:"session_ttl"`
	// SecureCookies is auto (Secure when the request came over HTTPS, as
	// told by TLS or X-Forwarded-Proto, or to a loopback address, which
	// browsers treat as secure), always, or never.
	SecureCookies string `yaml:"secure_cookies"`
}

// Defaults fills the unset fields.
func (c *Config) Defaults() {
	if c.UsersEnv == "" {
		c.UsersEnv = "LUREWATCH_USERS"
	}
	if c.TokensEnv == "" {
		c.TokensEnv = "LUREWATCH_TOKENS"
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.SecureCookies == "" {
		c.SecureCookies = "auto"
	}
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	if c.SessionTTL < time.Minute || c.SessionTTL > 30*24*time.Hour {
		return fmt.Errorf("session_ttl: %s is not between 1m and 720h", c.SessionTTL)
	}
	switch c.SecureCookies {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("secure_cookies: %q is not auto, always or never", c.SecureCookies)
	}
	return nil
}
