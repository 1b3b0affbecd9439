package handlers

import (
	"strconv"

	"motando/flows"

	"github.com/gofiber/fiber/v2"

	"motando/models"
)

// conversationItem is one line of the inbox.
type conversationItem struct {
	ID      uint64
	AdTitle string
	AdURL   string
	Other   string // the other party's name
	Role    string // the reader's role: seller or buyer
	Unread  int
	When    string
	Current bool
}

// threadView is a conversation as one of its parties sees it.
type threadView struct {
	Action   string // where replies go
	AdTitle  string
	AdURL    string
	Other    string
	Messages []messageView
	Form     *form
	CSRF     any
}

// messageView is one message, with its author as the reader knows them.
type messageView struct {
	Author string
	Mine   bool
	Body   string
	When   string
}

// inboxShow lists the signed-in person's conversations, as seller and as
// buyer, newest first: GET /mensagens and, with one open,
// GET /mensagens/{id} (its reply refilled from a draft kept when the
// session ended).
func (s *Server) inboxShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	var open uint64
	var thread *threadView
	if raw := c.Params("id"); raw != "" {
		id, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			return fiber.ErrNotFound
		}
		conv, role, err := s.db.ConversationFor(ctx, id, u.ID)
		if err != nil {
			return err
		}
		f := newForm()
		d, err := s.loadDraft(c, "/mensagens/"+strconv.FormatUint(conv.ID, 10))
		if err != nil {
			return err
		}
		if d != nil {
			f.Values["mensagem"] = d.first("mensagem")
		}
		if thread, err = s.thread(c, conv, role, f); err != nil {
			return err
		}
		if err := s.db.MarkRead(ctx, conv.ID, role); err != nil {
			return err
		}
		open = conv.ID
	}
	in, err := s.db.InboxOf(ctx, u.ID, 100)
	if err != nil {
		return err
	}
	items := make([]conversationItem, 0, len(in.Conversations))
	for _, conv := range in.Conversations {
		ad := in.Ads[conv.AdID]
		card := s.cardOf(&ad)
		it := conversationItem{ID: conv.ID, AdTitle: card.Title + " " + card.Years, AdURL: card.URL,
			When: localTime(conv.LastMessageAt), Current: conv.ID == open}
		if conv.SellerID == u.ID {
			it.Role, it.Other, it.Unread = models.AuthorSeller, conv.BuyerName, conv.SellerUnread
		} else {
			it.Role, it.Other, it.Unread = models.AuthorBuyer, "Vendedor", conv.BuyerUnread
		}
		if conv.ID == open {
			it.Unread = 0
		}
		items = append(items, it)
	}
	return s.render(c, fiber.StatusOK, "pages/inbox", fiber.Map{"Title": "Mensagens — Motando", "Items": items, "Thread": thread})
}

// thread reads a conversation's messages for one of its parties.
func (s *Server) thread(c *fiber.Ctx, conv *models.Conversation, role string, f *form) (*threadView, error) {
	msgs, err := s.db.Messages(c.UserContext(), conv.ID)
	if err != nil {
		return nil, err
	}
	page, err := s.db.AdPageByID(c.UserContext(), conv.AdID)
	if err != nil {
		return nil, err
	}
	card := s.cardOf(page.Ad)
	t := &threadView{AdTitle: card.Title + " " + card.Years + " · " + card.Price, AdURL: card.URL, Form: f, CSRF: c.Locals(localCSRF),
		Action: "/mensagens/" + strconv.FormatUint(conv.ID, 10)}
	t.Other = conv.BuyerName
	if role == models.AuthorBuyer {
		t.Other = page.Seller.Fullname
	}
	for _, m := range msgs {
		mv := messageView{Body: m.Body, When: localTime(m.Created), Mine: m.Author == role}
		switch {
		case mv.Mine:
			mv.Author = "Você"
		case m.Author == models.AuthorSeller:
			mv.Author = page.Seller.Fullname + " (vendedor)"
		default:
			mv.Author = conv.BuyerName
		}
		t.Messages = append(t.Messages, mv)
	}
	return t, nil
}

// replyCreate adds a message of a party to the conversation:
// POST /mensagens/{id}. The seller's reply to an anonymous buyer goes to
// the buyer's e-mail with the private link of the conversation.
func (s *Server) replyCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	conv, role, err := s.db.ConversationFor(ctx, id, u.ID)
	if err != nil {
		return err
	}
	return s.reply(c, conv, role, &u.ID, "/mensagens/"+strconv.FormatUint(conv.ID, 10))
}

// reply validates and stores a message, then answers the thread again.
func (s *Server) reply(c *fiber.Ctx, conv *models.Conversation, role string, userID *uint64, back string) error {
	ctx := c.UserContext()
	f := newForm()
	body := messageBody(f, c)
	if !f.valid() {
		t, err := s.thread(c, conv, role, f)
		if err != nil {
			return err
		}
		t.Action = back
		return s.render(c, fiber.StatusUnprocessableEntity, "partials/thread", fiber.Map{"Thread": t})
	}
	page, err := s.db.AdPageByID(ctx, conv.AdID)
	if err != nil {
		return err
	}
	card := s.cardOf(page.Ad)
	if err := s.flows.Reply(ctx, conv, role, userID, body, flows.AdLine{Title: card.Title, Years: card.Years, Price: card.Price}); err != nil {
		return err
	}
	if !isPartial(c) {
		return redirect(c, back)
	}
	t, err := s.thread(c, conv, role, newForm())
	if err != nil {
		return err
	}
	t.Action = back
	return s.render(c, fiber.StatusOK, "partials/thread", fiber.Map{"Thread": t})
}

// unreadBadge answers the number of unread messages for the header,
// refreshed by htmx: GET /mensagens/nao-lidas.
func (s *Server) unreadBadge(c *fiber.Ctx) error {
	n, err := s.db.UnreadCount(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "partials/unread_badge", fiber.Map{"Unread": n})
}

// conversationShow is an anonymous buyer's view of their conversation,
// reached by the private link of the seller's e-mail:
// GET /conversa/{token}.
func (s *Server) conversationShow(c *fiber.Ctx) error {
	conv, err := s.db.ConversationByToken(c.UserContext(), models.TokenHash(c.Params("token")))
	if err != nil || conv.BuyerID != nil {
		return fiber.ErrNotFound
	}
	t, err := s.thread(c, conv, models.AuthorBuyer, newForm())
	if err != nil {
		return err
	}
	t.Action = "/conversa/" + c.Params("token")
	if err := s.db.MarkRead(c.UserContext(), conv.ID, models.AuthorBuyer); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Referrer-Policy", "no-referrer")
	return s.render(c, fiber.StatusOK, "pages/conversation", fiber.Map{"Title": "Conversa com o vendedor — Motando", "Thread": t})
}

// conversationReply stores the anonymous buyer's answer:
// POST /conversa/{token}.
func (s *Server) conversationReply(c *fiber.Ctx) error {
	token := c.Params("token")
	conv, err := s.db.ConversationByToken(c.UserContext(), models.TokenHash(token))
	if err != nil || conv.BuyerID != nil {
		return fiber.ErrNotFound
	}
	return s.reply(c, conv, models.AuthorBuyer, nil, "/conversa/"+token)
}

// conversationRevoke ends an anonymous buyer's private link, from the
// conversation's page: POST /conversa/{token}/encerrar. The next answer of
// the seller brings a new one by e-mail.
func (s *Server) conversationRevoke(c *fiber.Ctx) error {
	ctx := c.UserContext()
	conv, err := s.db.ConversationByToken(ctx, models.TokenHash(c.Params("token")))
	if err != nil || conv.BuyerID != nil {
		return fiber.ErrNotFound
	}
	if err := s.flows.RevokeLink(ctx, conv); err != nil {
		return err
	}
	s.setFlash(c, "Este link foi encerrado. A próxima resposta do vendedor chega ao seu e-mail com um link novo.")
	return redirect(c, "/")
}
