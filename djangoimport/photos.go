package djangoimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"motando/models"
	"motando/photo"
	"motando/storage"
)

// fetchTimeout bounds the download of one photo.
const fetchTimeout = 30 * time.Second

// errPrivateAddress refuses a photo address that resolves to this machine
// or its private network: the original's photo URLs were partly typed by
// its users, and the import must not become a way to read internal
// services.
var errPrivateAddress = errors.New("endereço desta máquina ou da rede interna, recusado (--private-photo-hosts aceita)")

// newFetcher returns the HTTP client photos are downloaded with. Unless
// allowPrivate, it connects only to public addresses.
func newFetcher(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
				ip.IsMulticast() || ip.IsLinkLocalMulticast() {
				return errPrivateAddress
			}
			return nil
		}
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil // the check above must see the photo's own address
	transport.DialContext = dialer.DialContext
	transport.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: transport, Timeout: fetchTimeout}
}

// photoProblem is why a photo could not be brought over, in pt-BR.
type photoProblem string

func (p photoProblem) Error() string { return string(p) }

// fetchPhoto downloads a photo of the original, checks it is an image the
// site accepts (by its content, never its name) and stores it in the
// temporary bucket, where the worker processes it like an upload. It
// returns the object's key; a photo that cannot be used is a photoProblem.
func (im *Importer) fetchPhoto(ctx context.Context, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", photoProblem("endereço inválido")
	}
	body, err := im.download(ctx, u.String())
	if err != nil {
		return "", err
	}
	info, err := photo.Inspect(bytes.NewReader(body))
	var perr *photo.Error
	if errors.As(err, &perr) {
		return "", photoProblem(reasonOf(perr.Message))
	}
	if err != nil {
		return "", fmt.Errorf("inspect photo %s: %w", raw, err)
	}
	key := "uploads/import/" + time.Now().UTC().Format("2006/01/02/") + models.NewUploadToken() + info.Format.Ext()
	if err := im.Store.Put(ctx, storage.Temp, key, bytes.NewReader(body), int64(len(body)), info.Format.ContentType()); err != nil {
		return "", fmt.Errorf("store photo %s: %w", raw, err)
	}
	return key, nil
}

// download reads a photo of at most photo.MaxBytes.
func (im *Importer) download(ctx context.Context, addr string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return nil, photoProblem("endereço inválido")
	}
	resp, err := im.fetcher.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, downloadProblem(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, photoProblem(fmt.Sprintf("o servidor respondeu %d", resp.StatusCode))
	}
	if resp.ContentLength > photo.MaxBytes {
		return nil, photoProblem(fmt.Sprintf("passa de %d MB", photo.MaxBytes>>20))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, photo.MaxBytes+1))
	switch {
	case err != nil:
		return nil, photoProblem("download interrompido: " + downloadProblem(err).Error())
	case len(body) > photo.MaxBytes:
		return nil, photoProblem(fmt.Sprintf("passa de %d MB", photo.MaxBytes>>20))
	case len(body) == 0:
		return nil, photoProblem("arquivo vazio")
	}
	return body, nil
}

// downloadProblem says why a download failed, in the operator's terms.
func downloadProblem(err error) photoProblem {
	var dns *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, errPrivateAddress):
		return photoProblem(errPrivateAddress.Error())
	case errors.As(err, &dns):
		return photoProblem("servidor não encontrado (DNS)")
	case errors.Is(err, syscall.ECONNREFUSED):
		return photoProblem("conexão recusada")
	case errors.As(err, &netErr) && netErr.Timeout():
		return photoProblem("tempo esgotado")
	}
	return photoProblem("não foi possível baixar")
}

// reasonOf turns a sentence of the upload form ("O arquivo não é uma
// imagem…") into a reason of the summary ("o arquivo não é uma imagem…").
func reasonOf(sentence string) string {
	s := strings.TrimSuffix(sentence, ".")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}
