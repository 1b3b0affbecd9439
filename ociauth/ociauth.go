// Package ociauth builds the OCI SDK's configuration providers for the
// authentication modes the site supports, for Object Storage and Logging
// alike.
package ociauth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
)

// Authentication modes (MOTANDO_OCI_AUTH).
const (
	ConfigFile        = "config_file"
	InstancePrincipal = "instance_principal"
	WorkloadIdentity  = "workload_identity"
)

// Provider builds the configuration provider of an authentication mode:
// "instance_principal", "workload_identity" (OKE), or "config_file" (the
// default), reading configFile's profile, "~/.oci/config" and "DEFAULT"
// when empty. A broken file or key is reported now, not on the first call.
func Provider(mode, configFile, profile string) (common.ConfigurationProvider, error) {
	switch mode {
	case InstancePrincipal:
		p, err := auth.InstancePrincipalConfigurationProvider()
		if err != nil {
			return nil, fmt.Errorf("oci: instance principal authentication (is this an OCI instance in a dynamic group?): %w", err)
		}
		return p, nil
	case WorkloadIdentity:
		p, err := auth.OkeWorkloadIdentityConfigurationProvider()
		if err != nil {
			return nil, fmt.Errorf("oci: OKE workload identity authentication (is this a pod in an OKE enhanced cluster?): %w", err)
		}
		return p, nil
	}
	path := configFile
	if path == "" {
		path = "~/.oci/config"
	}
	if path == "~" || strings.HasPrefix(path, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("OCI_CONFIG_FILE: %s: no home folder: %w", path, err)
		}
		path = filepath.Join(home, path[1:])
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("OCI_CONFIG_FILE: %w", err)
	}
	if profile == "" {
		profile = "DEFAULT"
	}
	p, err := common.ConfigurationProviderFromFileWithProfile(path, profile, "")
	if err != nil {
		return nil, fmt.Errorf("OCI_CONFIG_FILE: %s: %w", path, err)
	}
	// The provider reads the file lazily: read it now, so a broken file or
	// key is reported at startup and not on the first upload.
	if ok, err := common.IsConfigurationProviderValid(p); !ok {
		return nil, fmt.Errorf("OCI_CONFIG_FILE: %s, profile %s: %w", path, profile, err)
	}
	return p, nil
}
