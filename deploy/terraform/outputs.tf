output "namespace" {
  description = "Object Storage namespace (OCI_OBJSTR_NAMESPACE)."
  value       = local.namespace
}

output "public_bucket" {
  description = "Bucket of published photos (OCI_BUCKET_MOTANDO_IMG)."
  value       = oci_objectstorage_bucket.img.name
}

output "temp_bucket" {
  description = "Private bucket of uploads waiting for the worker (OCI_BUCKET_MOTANDO_IMGTMP)."
  value       = oci_objectstorage_bucket.tmp.name
}

output "staticfiles_bucket" {
  description = "Public static-files bucket (a CDN origin; the binary serves its own static files)."
  value       = oci_objectstorage_bucket.staticfiles.name
}

output "public_bucket_url" {
  description = "Native URL prefix of the published photos (what MOTANDO_OCI_PUBLIC_URL replaces, e.g. with a CDN)."
  value       = "https://objectstorage.${var.region}.oraclecloud.com/n/${local.namespace}/b/${oci_objectstorage_bucket.img.name}/o/"
}

output "log_group_id" {
  description = "OCID of the log group."
  value       = oci_logging_log_group.motando.id
}

output "webapp_log_id" {
  description = "OCID of the web application's custom log (WEBAPP_OCI_LOG_ID)."
  value       = oci_logging_log.webapp.id
}

output "workflow_log_id" {
  description = "OCID of the worker's custom log (WORKFLOW_OCI_LOG_ID)."
  value       = oci_logging_log.workflow.id
}

# The site's settings these resources determine, ready for .env or
# deploy/k8s/configmap.yaml: terraform output -json motando_env
output "motando_env" {
  description = "Environment of the binary that points it at these buckets."
  value = {
    OCI_OBJSTR_NAMESPACE      = local.namespace
    OCI_REGION_ID             = var.region
    OCI_BUCKET_MOTANDO_IMG    = oci_objectstorage_bucket.img.name
    OCI_BUCKET_MOTANDO_IMGTMP = oci_objectstorage_bucket.tmp.name
  }
}
