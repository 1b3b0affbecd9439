data "oci_objectstorage_namespace" "this" {
  compartment_id = var.compartment_ocid
}

locals {
  namespace = var.namespace != "" ? var.namespace : data.oci_objectstorage_namespace.this.namespace

  # The conditions that name Motando's pods (OKE workload identity).
  workload = "request.principal.type = 'workload', request.principal.namespace = '${var.k8s_namespace}', request.principal.service_account = '${var.k8s_service_account}', request.principal.cluster_id = '${var.oke_cluster_ocid}'"
}

# ------------------------------------------------------------------ buckets --

# Published photos (thumbnails and large versions): public, read by URL,
# not listable.
resource "oci_objectstorage_bucket" "img" {
  compartment_id = var.compartment_ocid
  namespace      = local.namespace
  name           = "${var.name_prefix}-img"
  access_type    = "ObjectReadWithoutList"
  storage_tier   = "Standard"
  versioning     = "Disabled"
}

# Uploads waiting for the worker. PRIVATE, unlike the original's: these are
# the raw files, EXIF and GPS included, before the worker strips them.
resource "oci_objectstorage_bucket" "tmp" {
  compartment_id = var.compartment_ocid
  namespace      = local.namespace
  name           = "${var.name_prefix}-tmpimg"
  access_type    = "NoPublicAccess"
  storage_tier   = "Standard"
  versioning     = "Disabled"
}

# The original's static-files bucket (Django's collectstatic). Motando embeds
# its static files in the binary; the bucket is kept as a public origin for a
# CDN, if one is put in front.
resource "oci_objectstorage_bucket" "staticfiles" {
  compartment_id = var.compartment_ocid
  namespace      = local.namespace
  name           = "${var.name_prefix}-staticfiles"
  access_type    = "ObjectReadWithoutList"
  storage_tier   = "Standard"
  versioning     = "Disabled"
}

# The safety net of the temporary bucket: whatever the worker did not delete
# goes away after var.tmp_retention_days (see variables.tf for why 7).
resource "oci_objectstorage_object_lifecycle_policy" "tmp" {
  namespace = local.namespace
  bucket    = oci_objectstorage_bucket.tmp.name

  rules {
    name        = "delete-after-retention"
    action      = "DELETE"
    target      = "objects"
    time_amount = var.tmp_retention_days
    time_unit   = "DAYS"
    is_enabled  = true
  }

  rules {
    name        = "abort-stale-multipart-uploads"
    action      = "ABORT"
    target      = "multipart-uploads"
    time_amount = 1
    time_unit   = "DAYS"
    is_enabled  = true
  }

  # Lifecycle rules run as the Object Storage service: it needs the policy first.
  depends_on = [oci_identity_policy.objectstorage_service]
}

# ----------------------------------------------------------------- policies --

# Object Storage itself may copy objects between the buckets (CopyObject,
# MOTANDO_OCI_COPY=server) and apply the lifecycle rule.
resource "oci_identity_policy" "objectstorage_service" {
  provider       = oci.home
  compartment_id = var.compartment_ocid
  name           = "${var.name_prefix}-objectstorage-service"
  description    = "Object Storage copies objects between Motando's buckets and runs their lifecycle rules."
  statements = [
    "Allow service objectstorage-${var.region} to manage object-family in compartment id ${var.compartment_ocid}",
  ]
}

# Motando's pods, by OKE workload identity (MOTANDO_OCI_AUTH=workload_identity):
# the objects of its two buckets, and writing to its logs.
resource "oci_identity_policy" "workload" {
  count          = var.oke_cluster_ocid == "" ? 0 : 1
  provider       = oci.home
  compartment_id = var.compartment_ocid
  name           = "${var.name_prefix}-workload"
  description    = "Motando's pods (OKE workload identity) use its buckets and write its logs."
  statements = concat(
    [for b in [oci_objectstorage_bucket.img.name, oci_objectstorage_bucket.tmp.name] :
    "Allow any-user to manage objects in compartment id ${var.compartment_ocid} where all {${local.workload}, target.bucket.name = '${b}'}"],
    [for b in [oci_objectstorage_bucket.img.name, oci_objectstorage_bucket.tmp.name] :
    "Allow any-user to read buckets in compartment id ${var.compartment_ocid} where all {${local.workload}, target.bucket.name = '${b}'}"],
    ["Allow any-user to use log-content in compartment id ${var.compartment_ocid} where all {${local.workload}}"],
  )
}

# --------------------------------------------------------------------- logs --

resource "oci_logging_log_group" "motando" {
  compartment_id = var.compartment_ocid
  display_name   = "${var.name_prefix}-loggroup"
  description    = "Motando's application logs."
}

# The web application's log (WEBAPP_OCI_LOG_ID).
resource "oci_logging_log" "webapp" {
  display_name       = "${var.name_prefix}-log_webapp"
  log_group_id       = oci_logging_log_group.motando.id
  log_type           = "CUSTOM"
  is_enabled         = true
  retention_duration = var.log_retention_days
}

# The publication workflow's log, i.e. the worker's (WORKFLOW_OCI_LOG_ID).
resource "oci_logging_log" "workflow" {
  display_name       = "${var.name_prefix}-log_workflow"
  log_group_id       = oci_logging_log_group.motando.id
  log_type           = "CUSTOM"
  is_enabled         = true
  retention_duration = var.log_retention_days
}
