# Authentication comes from the OCI CLI configuration (~/.oci/config, profile
# var.oci_config_profile) or from the environment (TF_VAR_*, OCI_*).
provider "oci" {
  region              = var.region
  config_file_profile = var.oci_config_profile
}

# IAM policies can only be written in the tenancy's home region.
provider "oci" {
  alias               = "home"
  region              = coalesce(var.home_region, var.region)
  config_file_profile = var.oci_config_profile
}
