variable "compartment_ocid" {
  description = "OCID of the compartment that holds the buckets, the policies and the logs."
  type        = string

  validation {
    condition     = can(regex("^ocid1\\.(compartment|tenancy)\\.", var.compartment_ocid))
    error_message = "compartment_ocid must be a compartment (or tenancy) OCID."
  }
}

variable "region" {
  description = "Region of the buckets and the logs."
  type        = string
  default     = "sa-saopaulo-1"
}

variable "home_region" {
  description = "The tenancy's home region, where IAM policies are written; empty: var.region."
  type        = string
  default     = ""
}

variable "oci_config_profile" {
  description = "Profile of ~/.oci/config that Terraform authenticates with."
  type        = string
  default     = "DEFAULT"
}

variable "namespace" {
  description = "Object Storage namespace; empty: looked up (oci os ns get)."
  type        = string
  default     = ""
}

variable "name_prefix" {
  description = "Prefix of every name: \"motando\" gives motando-img, motando-tmpimg, ...; \"dev_motando\" gives the original's dev_motando-img, dev_motando-tmpimg, ..."
  type        = string
  default     = "motando"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,48}$", var.name_prefix))
    error_message = "name_prefix may hold letters, digits, '_', '-' and '.', 48 at most."
  }
}

# Why 7 days. An upload stays in the temporary bucket until the worker has
# written its published variants and deleted it. The longest the worker can
# take is well under an hour: 5 deliveries with a backoff from
# MOTANDO_JOB_RETRY_BASE (5 s) doubling up to 5 minutes, a job held by a dead
# worker handed over after MOTANDO_JOB_VISIBILITY (1 min), and a lost job
# enqueued again by the reconciler after MOTANDO_RECONCILE_AFTER (2 min). Past
# that the ad is marked failed and its owner may retry it, which needs the
# uploads still there: 7 days leaves a week for that retry, or for a worker
# outage, while abandoned uploads (a form never submitted) still go away.
variable "tmp_retention_days" {
  description = "Days after which the lifecycle rule deletes objects of the temporary bucket; must exceed the worker's worst retry window (under an hour) and leave owners time to retry a failed ad."
  type        = number
  default     = 7

  validation {
    condition     = var.tmp_retention_days >= 1 && var.tmp_retention_days <= 365 && floor(var.tmp_retention_days) == var.tmp_retention_days
    error_message = "tmp_retention_days must be a whole number of days from 1 to 365."
  }
}

variable "log_retention_days" {
  description = "Retention of the two custom logs, in days (30 to 180, by 30)."
  type        = number
  default     = 30

  validation {
    condition     = contains([30, 60, 90, 120, 150, 180], var.log_retention_days)
    error_message = "log_retention_days must be 30, 60, 90, 120, 150 or 180."
  }
}

variable "oke_cluster_ocid" {
  description = "OCID of the OKE (enhanced) cluster whose workload identity may use the buckets and the logs; empty: no workload policy."
  type        = string
  default     = ""
}

variable "k8s_namespace" {
  description = "Kubernetes namespace of Motando's pods, for the workload policy."
  type        = string
  default     = "motando"
}

variable "k8s_service_account" {
  description = "Kubernetes service account of Motando's pods (deploy/k8s/serviceaccount.yaml)."
  type        = string
  default     = "motando"
}
