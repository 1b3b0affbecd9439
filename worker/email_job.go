package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"motando/models"
)

// KindEmail sends one message of the outbox.
const KindEmail = "email"

// Mailer delivers one plain-text message.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// LogMailer writes messages to the log: the mailer when no SMTP server is
// configured.
type LogMailer struct{}

// Send logs the message.
func (LogMailer) Send(ctx context.Context, to, subject, body string) error {
	slog.Info("e-mail (no SMTP server configured, logged instead)", "to", to, "subject", subject, "body", body)
	return nil
}

// SMTPMailer sends through an SMTP server, with STARTTLS when the server
// offers it and authentication when a user is set.
type SMTPMailer struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
}

// Send delivers the message.
func (m SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	addr := net.JoinHostPort(m.Host, strconv.Itoa(m.Port))
	var auth smtp.Auth
	if m.User != "" {
		auth = smtp.PlainAuth("", m.User, m.Password, m.Host)
	}
	msg := "From: " + m.From + "\r\nTo: " + to + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", subject) +
		"\r\nDate: " + time.Now().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n")
	if err := smtp.SendMail(addr, auth, m.From, []string{to}, []byte(msg)); err != nil {
		return fmt.Errorf("smtp %s: %w", addr, err)
	}
	return nil
}

// EmailJob sends a message of the outbox once.
type EmailJob struct {
	DB     *models.DB
	Mailer Mailer
}

// Run is the job's Handler.
func (j *EmailJob) Run(ctx context.Context, job Job) error {
	e, err := j.DB.EmailByID(ctx, job.ID)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.Status != models.EmailPending {
		return nil
	}
	if err := j.Mailer.Send(ctx, e.ToAddr, e.Subject, e.Body); err != nil {
		if merr := j.DB.MarkEmailAttempt(ctx, e.ID, err.Error(), false); merr != nil {
			slog.Warn("worker: record e-mail attempt", "err", merr)
		}
		return err
	}
	return j.DB.MarkEmailSent(ctx, e.ID)
}
