package bus

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config says where the Kafka cluster is and how lurewatch uses it. The zero
// value, after Defaults, means "start the embedded broker".
type Config struct {
	// Brokers are the bootstrap addresses (host:port). Empty means the
	// embedded broker.
	Brokers []string `yaml:"brokers"`
	// TopicPrefix starts every topic name: <prefix>.ads.raw and so on.
	TopicPrefix string `yaml:"topic_prefix"`
	// Partitions and ReplicationFactor apply to topics lurewatch creates.
	Partitions        int `yaml:"partitions"`
	ReplicationFactor int `yaml:"replication_factor"`
	// ClientID names this process to the brokers.
	ClientID string `yaml:"client_id"`
	// Embedded is the embedded broker's listen port (0: pick one).
	EmbeddedPort int `yaml:"embedded_port"`
	// BatchTimeout caps how long the producer waits to fill a batch.
	BatchTimeout time.Duration `yaml:"batch_timeout"`
	// RetryMin and RetryMax bound the backoff between retries of a failed
	// handler.
	RetryMin time.Duration `yaml:"retry_min"`
	RetryMax time.Duration `yaml:"retry_max"`
	SASL     SASLConfig    `yaml:"sasl"`
	TLS      TLSConfig     `yaml:"tls"`
}

// SASLConfig authenticates to the cluster. The password comes from the
// environment or a file, never from the YAML in the repository.
type SASLConfig struct {
	// Mechanism is "", "plain", "scram-sha-256" or "scram-sha-512".
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	// PasswordEnv names an environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
	// PasswordFile is a file holding the password.
	PasswordFile string `yaml:"password_file"`
}

// TLSConfig encrypts the connection to the cluster.
type TLSConfig struct {
	Enabled            bool   `yaml:"enabled"`
	CAFile             string `yaml:"ca_file"`
	CertFile           string `yaml:"cert_file"`
	KeyFile            string `yaml:"key_file"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// Defaults fills the unset fields.
func (c *Config) Defaults() {
	if c.TopicPrefix == "" {
		c.TopicPrefix = "lurewatch"
	}
	if c.Partitions == 0 {
		c.Partitions = 6
	}
	if c.ReplicationFactor == 0 {
		c.ReplicationFactor = 1
	}
	if c.ClientID == "" {
		c.ClientID = "lurewatch"
	}
	if c.BatchTimeout == 0 {
		c.BatchTimeout = 5 * time.Millisecond
	}
	if c.RetryMin == 0 {
		c.RetryMin = 100 * time.Millisecond
	}
	if c.RetryMax == 0 {
		c.RetryMax = 30 * time.Second
	}
}

// Validate reports the first setting that cannot work, by its YAML key.
func (c *Config) Validate() error {
	for i, b := range c.Brokers {
		if !strings.Contains(b, ":") {
			return fmt.Errorf("brokers[%d]: %q is not host:port", i, b)
		}
	}
	switch {
	case strings.ContainsAny(c.TopicPrefix, " /\\,:"):
		return fmt.Errorf("topic_prefix: %q may hold only letters, digits, '.', '_' and '-'", c.TopicPrefix)
	case c.Partitions < 1:
		return fmt.Errorf("partitions: must be at least 1, got %d", c.Partitions)
	case c.ReplicationFactor < 1:
		return fmt.Errorf("replication_factor: must be at least 1, got %d", c.ReplicationFactor)
	case c.EmbeddedPort < 0 || c.EmbeddedPort > 65535:
		return fmt.Errorf("embedded_port: %d is not a port", c.EmbeddedPort)
	case c.BatchTimeout < 0 || c.BatchTimeout > 10*time.Second:
		return fmt.Errorf("batch_timeout: %v is outside 0 to 10s", c.BatchTimeout)
	case c.RetryMin <= 0 || c.RetryMax < c.RetryMin:
		return fmt.Errorf("retry_min, retry_max: need 0 < retry_min <= retry_max, got %v and %v", c.RetryMin, c.RetryMax)
	}
	switch strings.ToLower(c.SASL.Mechanism) {
	case "":
	case "plain", "scram-sha-256", "scram-sha-512":
		if c.SASL.Username == "" {
			return errors.New("sasl.username: required with a SASL mechanism")
		}
		if c.SASL.PasswordEnv == "" && c.SASL.PasswordFile == "" {
			return errors.New("sasl.password_env: a SASL mechanism needs password_env or password_file")
		}
	default:
		return fmt.Errorf("sasl.mechanism: %q is not plain, scram-sha-256 or scram-sha-512", c.SASL.Mechanism)
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		return errors.New("tls.cert_file, tls.key_file: give both or neither")
	}
	return nil
}

// Embedded reports whether no cluster is configured, so the embedded broker
// is to be used.
func (c *Config) Embedded() bool { return len(c.Brokers) == 0 }

func (s *SASLConfig) password() (string, error) {
	if s.PasswordEnv != "" {
		if p, ok := os.LookupEnv(s.PasswordEnv); ok {
			return p, nil
		}
		if s.PasswordFile == "" {
			return "", fmt.Errorf("sasl.password_env: environment variable %s is not set", s.PasswordEnv)
		}
	}
	b, err := os.ReadFile(s.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("sasl.password_file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
